package dev.tasktree.server;

import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceSummary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index persisted in the trace directory ({@value #NAME}), so a restart lists 100,000 traces
 * without reading them again: each entry with the file size and modification time it was read at,
 * so the start-up scan re-reads only files that changed since.
 *
 * <p>Crash-safe: written to a fresh temporary file and renamed over the old one, so a reader sees
 * the old index or the new one, never half of one. Never trusted beyond a cache: a file that is not
 * a regular file, too big, of another version, or whose checksum does not match is ignored and the
 * index rebuilt from the traces; every id is checked with {@link TraceIndex#idOf} (so no path comes
 * from this file), and an entry only stands while its trace file's size and modification time are
 * the recorded ones.
 */
final class IndexFile {

  /** The file name: not a trace file name, so the index never lists it. */
  static final String NAME = ".tasktree-index";

  private static final Logger LOG = LoggerFactory.getLogger(IndexFile.class);
  private static final int MAGIC = 0x54544958; // "TTIX"
  private static final int VERSION = 1;
  private static final int MAX_ENTRIES = 50_000_000;

  private IndexFile() {}

  /** Whether a directory entry is this file or one of its temporary files. */
  static boolean isIndexFile(String fileName) {
    return fileName.startsWith(NAME);
  }

  /**
   * The entries of the directory's persisted index; empty when there is none or it is not to be
   * believed (the reason is logged).
   *
   * @param maxBytes a larger file is ignored
   */
  static Map<String, IndexEntry> load(Path dir, long maxBytes) {
    Path file = dir.resolve(NAME);
    try {
      BasicFileAttributes attrs = TraceFileReader.attributes(file);
      if (attrs == null) {
        return Map.of();
      }
      if (!attrs.isRegularFile() || attrs.size() > maxBytes || attrs.size() < 20) {
        LOG.warn("ignoring {}: not a regular file of a plausible size; rebuilding", file);
        return Map.of();
      }
      byte[] bytes = new byte[(int) attrs.size()];
      try (FileChannel channel = TraceFileReader.open(file)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
          // fill
        }
        if (buffer.hasRemaining()) {
          throw new IOException("shorter than its size");
        }
      }
      CRC32 crc = new CRC32();
      crc.update(bytes, 0, bytes.length - 8);
      long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
      if (crc.getValue() != stored) {
        throw new IOException("checksum mismatch");
      }
      return parse(new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8)));
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      LOG.warn("ignoring {} ({}); rebuilding the index from the traces", file, e.toString());
      return Map.of();
    }
  }

  private static Map<String, IndexEntry> parse(DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC || in.readInt() != VERSION) {
      throw new IOException("not an index of this version");
    }
    int count = in.readInt();
    if (count < 0 || count > MAX_ENTRIES) {
      throw new IOException("implausible entry count");
    }
    Map<String, IndexEntry> entries = new HashMap<>(Math.min(count, 1 << 20) * 2);
    for (int i = 0; i < count; i++) {
      String id = in.readUTF();
      if (TraceIndex.idOf(id + TraceIndex.SUFFIX) == null) {
        throw new IOException("an invalid trace id");
      }
      long size = in.readLong();
      Instant modified = Instant.ofEpochSecond(in.readLong(), in.readInt());
      IndexEntry entry;
      if (in.readBoolean()) {
        String traceId = in.readUTF();
        String name = in.readBoolean() ? in.readUTF() : null;
        Instant start = Instant.ofEpochSecond(in.readLong(), in.readInt());
        Duration duration = Duration.ofNanos(in.readLong());
        Status status = Status.valueOf(in.readUTF());
        int spans = in.readInt();
        int errors = in.readInt();
        long input = in.readLong();
        long output = in.readLong();
        double cost = in.readDouble();
        int corrupt = in.readInt();
        int modelCount = in.readUnsignedByte();
        List<String> models = new ArrayList<>(modelCount);
        for (int m = 0; m < modelCount; m++) {
          models.add(in.readUTF());
        }
        int tagCount = in.readUnsignedByte();
        Map<String, String> tags = new LinkedHashMap<>();
        for (int t = 0; t < tagCount; t++) {
          tags.put(in.readUTF(), in.readUTF());
        }
        entry =
            new IndexEntry(
                id,
                size,
                modified,
                new TraceSummary(
                    traceId, name, start, duration, status, spans, errors, input, output, cost,
                    corrupt, models, tags),
                null);
      } else {
        entry = new IndexEntry(id, size, modified, null, in.readUTF());
      }
      entries.put(id, entry);
    }
    if (in.available() != 0) {
      throw new IOException("trailing bytes");
    }
    return entries;
  }

  /**
   * Writes the index: a temporary file renamed over the old index. Entries that cannot be written
   * (a name longer than 64 KB) are left out: they are read again at the next start.
   *
   * @throws IOException when the directory cannot be written (a read-only trace dir)
   */
  static void save(Path dir, Collection<IndexEntry> entries) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(entries.size() * 160 + 64);
    DataOutputStream out = new DataOutputStream(body);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(0); // the count, patched below
    int count = 0;
    ByteArrayOutputStream one = new ByteArrayOutputStream(512);
    DataOutputStream e = new DataOutputStream(one);
    for (IndexEntry entry : entries) {
      one.reset();
      try {
        write(e, entry);
      } catch (IOException | RuntimeException tooLong) {
        continue;
      }
      one.writeTo(out);
      count++;
    }
    byte[] bytes = body.toByteArray();
    ByteBuffer.wrap(bytes, 8, 4).putInt(count);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    Path tmp =
        dir.resolve(NAME + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      try (FileChannel channel =
              FileChannel.open(
                  tmp,
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS);
          OutputStream file = Channels.newOutputStream(channel)) {
        file.write(bytes);
        file.write(ByteBuffer.allocate(8).putLong(crc.getValue()).array());
        channel.force(false);
      }
      Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void write(DataOutputStream out, IndexEntry entry) throws IOException {
    out.writeUTF(entry.id());
    out.writeLong(entry.size());
    out.writeLong(entry.modified().getEpochSecond());
    out.writeInt(entry.modified().getNano());
    TraceSummary s = entry.summary();
    out.writeBoolean(s != null);
    if (s == null) {
      out.writeUTF(entry.unreadableReason());
      return;
    }
    out.writeUTF(s.traceId());
    out.writeBoolean(s.name() != null);
    if (s.name() != null) {
      out.writeUTF(s.name());
    }
    out.writeLong(s.start().getEpochSecond());
    out.writeInt(s.start().getNano());
    out.writeLong(s.duration().toNanos());
    out.writeUTF(s.status().name());
    out.writeInt(s.spanCount());
    out.writeInt(s.errorCount());
    out.writeLong(s.inputTokens());
    out.writeLong(s.outputTokens());
    out.writeDouble(s.costUsd());
    out.writeInt(s.corruptLines());
    List<String> models = s.models().size() > 255 ? s.models().subList(0, 255) : s.models();
    out.writeByte(models.size());
    for (String m : models) {
      out.writeUTF(m);
    }
    int tags = Math.min(255, s.tags().size());
    out.writeByte(tags);
    int n = 0;
    for (Map.Entry<String, String> t : s.tags().entrySet()) {
      if (n++ == tags) {
        break;
      }
      out.writeUTF(t.getKey());
      out.writeUTF(t.getValue());
    }
  }
}
