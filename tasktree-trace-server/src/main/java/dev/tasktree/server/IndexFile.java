package dev.tasktree.server;

import dev.tasktree.trace.Status;
import dev.tasktree.trace.TraceIds;
import dev.tasktree.trace.TraceSummary;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
 * index rebuilt from the traces; every id is checked with {@link TraceIds#isValid} (so no path
 * comes from this file), and an entry only stands while its trace file's size and modification time
 * are the recorded ones.
 */
final class IndexFile {

  /** The file name: not a trace file name, so the index never lists it. */
  static final String NAME = ".tasktree-index";

  private static final Logger LOG = LoggerFactory.getLogger(IndexFile.class);
  private static final int MAGIC = 0x54544958; // "TTIX"
  private static final int VERSION = 2;

  /** An entry's bytes at the least: id length, size, modification time, kind, one reference. */
  private static final int MIN_ENTRY_BYTES = 1 + 8 + 12 + 1 + 4;

  private static final byte UNREADABLE = 0;
  private static final byte SUMMARY = 1;
  private static final byte SUMMARY_OF_OTHER_ID = 2;
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
      return parse(ByteBuffer.wrap(bytes, 0, bytes.length - 8).slice());
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      LOG.warn("ignoring {} ({}); rebuilding the index from the traces", file, e.toString());
      return Map.of();
    }
  }

  /**
   * The entries of an index file's body (its checksum already checked): the header, the table of
   * the strings many entries share (names, statuses, models, tags, reasons), then the entries.
   */
  private static Map<String, IndexEntry> parse(ByteBuffer in) throws IOException {
    if (in.getInt() != MAGIC || in.getInt() != VERSION) {
      throw new IOException("not an index of this version");
    }
    int count = in.getInt();
    int stringCount = in.getInt();
    if (count < 0
        || count > MAX_ENTRIES
        || count > in.remaining() / MIN_ENTRY_BYTES
        || stringCount < 0
        || stringCount > in.remaining() / 4) {
      throw new IOException("implausible entry count");
    }
    String[] strings = new String[stringCount];
    for (int i = 0; i < stringCount; i++) {
      strings[i] = string(in, in.getInt(), StandardCharsets.UTF_8);
    }
    Map<String, IndexEntry> entries = HashMap.newHashMap(count);
    for (int i = 0; i < count; i++) {
      String id = string(in, in.get() & 0xff, StandardCharsets.ISO_8859_1);
      if (!TraceIds.isValid(id)) {
        throw new IOException("an invalid trace id");
      }
      long size = in.getLong();
      Instant modified = Instant.ofEpochSecond(in.getLong(), in.getInt());
      byte kind = in.get();
      IndexEntry entry;
      if (kind == UNREADABLE) {
        entry = new IndexEntry(id, size, modified, null, ref(in, strings));
      } else if (kind == SUMMARY || kind == SUMMARY_OF_OTHER_ID) {
        String traceId = kind == SUMMARY ? id : ref(in, strings);
        String name = nullableRef(in, strings);
        Instant start = Instant.ofEpochSecond(in.getLong(), in.getInt());
        Duration duration = Duration.ofNanos(in.getLong());
        Status status = Status.valueOf(ref(in, strings));
        int spans = in.getInt();
        int errors = in.getInt();
        long input = in.getLong();
        long output = in.getLong();
        double cost = in.getDouble();
        int corrupt = in.getInt();
        int modelCount = in.get() & 0xff;
        String[] models = new String[modelCount];
        for (int m = 0; m < modelCount; m++) {
          models[m] = ref(in, strings);
        }
        int tagCount = in.get() & 0xff;
        Map<String, String> tags = LinkedHashMap.newLinkedHashMap(tagCount);
        for (int t = 0; t < tagCount; t++) {
          tags.put(ref(in, strings), ref(in, strings));
        }
        entry =
            new IndexEntry(
                id,
                size,
                modified,
                new TraceSummary(
                    traceId,
                    name,
                    start,
                    duration,
                    status,
                    spans,
                    errors,
                    input,
                    output,
                    cost,
                    corrupt,
                    List.of(models),
                    tags),
                null);
      } else {
        throw new IOException("an unknown entry kind");
      }
      entries.put(id, entry);
    }
    if (in.hasRemaining()) {
      throw new IOException("trailing bytes");
    }
    return entries;
  }

  private static String string(ByteBuffer in, int length, java.nio.charset.Charset charset)
      throws IOException {
    if (length < 0 || length > in.remaining()) {
      throw new IOException("a string longer than the file");
    }
    String s = new String(in.array(), in.arrayOffset() + in.position(), length, charset);
    in.position(in.position() + length);
    return s;
  }

  private static String ref(ByteBuffer in, String[] strings) throws IOException {
    String s = nullableRef(in, strings);
    if (s == null) {
      throw new IOException("a missing string");
    }
    return s;
  }

  private static String nullableRef(ByteBuffer in, String[] strings) throws IOException {
    int ref = in.getInt();
    if (ref == -1) {
      return null;
    }
    if (ref < 0 || ref >= strings.length) {
      throw new IOException("a string that is not in the table");
    }
    return strings[ref];
  }

  /**
   * Writes the index: a temporary file renamed over the old index. Entries that cannot be written
   * (an id longer than 255 bytes) are left out: they are read again at the next start.
   *
   * @throws IOException when the directory cannot be written (a read-only trace dir)
   */
  static void save(Path dir, Collection<IndexEntry> entries) throws IOException {
    StringTable strings = new StringTable();
    ByteArrayOutputStream body = new ByteArrayOutputStream(entries.size() * 128 + 64);
    DataOutputStream out = new DataOutputStream(body);
    int count = 0;
    for (IndexEntry entry : entries) {
      byte[] id = entry.id().getBytes(StandardCharsets.ISO_8859_1);
      if (id.length > 255) {
        continue;
      }
      out.writeByte(id.length);
      out.write(id);
      write(out, entry, strings);
      count++;
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream(body.size() + strings.bytes() + 64);
    DataOutputStream header = new DataOutputStream(file);
    header.writeInt(MAGIC);
    header.writeInt(VERSION);
    header.writeInt(count);
    strings.writeTo(header);
    body.writeTo(file);
    CRC32 crc = new CRC32();
    byte[] bytes = file.toByteArray();
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
          OutputStream stream = Channels.newOutputStream(channel)) {
        stream.write(bytes);
        stream.write(ByteBuffer.allocate(8).putLong(crc.getValue()).array());
        channel.force(false);
      }
      Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void write(DataOutputStream out, IndexEntry entry, StringTable strings)
      throws IOException {
    out.writeLong(entry.size());
    out.writeLong(entry.modified().getEpochSecond());
    out.writeInt(entry.modified().getNano());
    TraceSummary s = entry.summary();
    if (s == null) {
      out.writeByte(UNREADABLE);
      out.writeInt(strings.ref(entry.unreadableReason()));
      return;
    }
    boolean ownId = entry.id().equals(s.traceId());
    out.writeByte(ownId ? SUMMARY : SUMMARY_OF_OTHER_ID);
    if (!ownId) {
      out.writeInt(strings.ref(s.traceId()));
    }
    out.writeInt(s.name() == null ? -1 : strings.ref(s.name()));
    out.writeLong(s.start().getEpochSecond());
    out.writeInt(s.start().getNano());
    out.writeLong(s.duration().toNanos());
    out.writeInt(strings.ref(s.status().name()));
    out.writeInt(s.spanCount());
    out.writeInt(s.errorCount());
    out.writeLong(s.inputTokens());
    out.writeLong(s.outputTokens());
    out.writeDouble(s.costUsd());
    out.writeInt(s.corruptLines());
    List<String> models = s.models().size() > 255 ? s.models().subList(0, 255) : s.models();
    out.writeByte(models.size());
    for (String m : models) {
      out.writeInt(strings.ref(m));
    }
    int tags = Math.min(255, s.tags().size());
    out.writeByte(tags);
    int n = 0;
    for (Map.Entry<String, String> t : s.tags().entrySet()) {
      if (n++ == tags) {
        break;
      }
      out.writeInt(strings.ref(t.getKey()));
      out.writeInt(strings.ref(t.getValue()));
    }
  }

  /** The distinct strings of the entries, each written once and referred to by its number. */
  private static final class StringTable {
    private final Map<String, Integer> numbers = new HashMap<>();
    private final List<byte[]> encoded = new ArrayList<>();
    private int bytes;

    int ref(String s) {
      Integer n = numbers.get(s);
      if (n == null) {
        n = encoded.size();
        numbers.put(s, n);
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        encoded.add(utf8);
        bytes += 4 + utf8.length;
      }
      return n;
    }

    int bytes() {
      return bytes;
    }

    void writeTo(DataOutputStream out) throws IOException {
      out.writeInt(encoded.size());
      for (byte[] s : encoded) {
        out.writeInt(s.length);
        out.write(s);
      }
    }
  }
}
