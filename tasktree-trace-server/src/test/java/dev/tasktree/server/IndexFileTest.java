package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceSummary;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The persisted index file on its own: what is saved loads back the same, and forgeries do not. */
class IndexFileTest {

  @TempDir Path dir;

  private static final long NO_LIMIT = 1L << 30;

  private static IndexEntry traced(
      String id, String traceId, String name, Status status, List<String> models) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("env", "prod");
    tags.put("user", "ü-" + id.length()); // not ASCII
    TraceSummary summary =
        new TraceSummary(
            traceId,
            name,
            Instant.parse("2026-01-01T00:00:00.123456789Z"),
            Duration.ofNanos(1_234_567_891L),
            status,
            7,
            1,
            101,
            21,
            0.00042,
            2,
            models,
            tags);
    return new IndexEntry(
        id, 5_432, Instant.parse("2026-02-01T10:00:00.987654321Z"), summary, null);
  }

  @Test
  void whatIsSavedLoadsBackTheSame() throws Exception {
    List<IndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String id = "20260101T0000000000%02dZ-triage-0000abcd".formatted(i);
      entries.add(
          traced(id, id, i % 2 == 0 ? "support triage" : "answer", Status.OK, List.of("gpt-b")));
    }
    String other = "20260101T000000000100Z-other-00000000";
    entries.add(traced(other, "a-different-trace-id", null, Status.WAITING, List.of()));
    entries.add(
        new IndexEntry(
            "20260101T000000000200Z-bad-00000000",
            3,
            Instant.EPOCH,
            null,
            "not a TaskTree trace: no trace event"));
    IndexFile.save(dir, entries);

    Map<String, IndexEntry> loaded = IndexFile.load(dir, NO_LIMIT);
    assertThat(loaded).hasSize(entries.size());
    for (IndexEntry e : entries) {
      assertThat(loaded.get(e.id())).as(e.id()).isEqualTo(e);
    }
    // a name many entries have is one string in memory, not one per entry
    IndexEntry a = loaded.get("20260101T000000000000Z-triage-0000abcd");
    IndexEntry b = loaded.get("20260101T000000000002Z-triage-0000abcd");
    assertThat(a.summary().name()).isSameAs(b.summary().name());
  }

  @Test
  void aForgedStringReferenceOrAnOlderVersionIsNotBelieved() throws Exception {
    IndexFile.save(
        dir,
        List.of(new IndexEntry("20260101T000000000000Z-x-00000000", 1, Instant.EPOCH, null, "r")));
    Path file = dir.resolve(IndexFile.NAME);
    byte[] good = Files.readAllBytes(file);
    assertThat(IndexFile.load(dir, NO_LIMIT)).hasSize(1);

    // the entry's last field is its reason's number in the string table: point it past the table
    byte[] forged = good.clone();
    ByteBuffer.wrap(forged, forged.length - 12, 4).putInt(99);
    Files.write(file, withChecksum(forged));
    assertThat(IndexFile.load(dir, NO_LIMIT)).isEmpty();

    byte[] older = good.clone();
    ByteBuffer.wrap(older, 4, 4).putInt(1); // the version of the previous format
    Files.write(file, withChecksum(older));
    assertThat(IndexFile.load(dir, NO_LIMIT)).isEmpty();

    byte[] tooMany = good.clone();
    ByteBuffer.wrap(tooMany, 8, 4).putInt(40_000_000); // more entries than the bytes could hold
    Files.write(file, withChecksum(tooMany));
    assertThat(IndexFile.load(dir, NO_LIMIT)).isEmpty();
  }

  /** The bytes with their last 8 replaced by a valid checksum of the rest. */
  private static byte[] withChecksum(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    ByteBuffer.wrap(bytes, bytes.length - 8, 8).putLong(crc.getValue());
    return bytes;
  }
}
