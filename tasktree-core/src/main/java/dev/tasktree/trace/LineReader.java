package dev.tasktree.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines of at most {@link TraceFormat#MAX_LINE_BYTES} (newline included) from a stream.
 * A longer line is skipped without being held in memory and reported as {@link #TOO_LONG}, so one
 * hostile line costs neither memory nor the rest of the file.
 */
final class LineReader {

  /** Returned in place of a line longer than the maximum. */
  static final String TOO_LONG = new String("<line too long>"); // identity marks it

  private final InputStream in;
  private final int maxBytes;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private byte[] line = new byte[1 << 12];

  LineReader(InputStream in) {
    this(in, TraceFormat.MAX_LINE_BYTES);
  }

  LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line without its newline, {@link #TOO_LONG}, or null at the end of the stream. */
  String next() throws IOException {
    int length = 0;
    boolean tooLong = false;
    while (true) {
      if (position == limit) {
        limit = in.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          if (length == 0 && !tooLong) {
            return null;
          }
          return tooLong ? TOO_LONG : decode(length); // a last line without its newline
        }
      }
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      int chunk = position - start;
      if (!tooLong) {
        if (length + chunk + 1 > maxBytes) { // + 1: the newline counts
          tooLong = true;
        } else {
          if (length + chunk > line.length) {
            line =
                Arrays.copyOf(line, Math.min(maxBytes, Math.max(line.length * 2, length + chunk)));
          }
          System.arraycopy(buffer, start, line, length, chunk);
          length += chunk;
        }
      }
      if (position < limit) { // at the newline
        position++;
        return tooLong ? TOO_LONG : decode(length);
      }
    }
  }

  private String decode(int length) {
    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    return new String(line, 0, end, StandardCharsets.UTF_8);
  }
}
