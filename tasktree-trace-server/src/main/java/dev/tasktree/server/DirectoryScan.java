package dev.tasktree.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * One pass over a trace directory without a running index (the {@code list}, {@code show} and
 * {@code prune} commands): every trace file as the index would show it.
 */
final class DirectoryScan {

  private DirectoryScan() {}

  /**
   * Every {@code <traceId>.jsonl} entry of the directory (directories excepted).
   *
   * @throws IOException when the directory cannot be listed
   */
  static List<IndexEntry> scan(TraceFileReader files) throws IOException {
    List<IndexEntry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(files.directory())) {
      for (Path file : stream) {
        String id = TraceIndex.idOf(file.getFileName().toString());
        if (id == null) {
          continue;
        }
        BasicFileAttributes attrs = TraceFileReader.attributes(file);
        if (attrs == null || attrs.isDirectory()) {
          continue;
        }
        IndexEntry entry = files.entry(id, file, attrs);
        entries.add(
            entry != null
                ? entry
                : new IndexEntry(
                    id,
                    attrs.size(),
                    attrs.lastModifiedTime().toInstant(),
                    null,
                    "not read: no memory free to read it now"));
      }
    }
    return entries;
  }
}
