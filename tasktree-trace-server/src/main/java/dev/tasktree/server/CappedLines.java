package dev.tasktree.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream of JSON Lines where no line is longer than a cap and reading stops after a limit: the
 * rest of an over-long line is replaced by one NUL byte, so the reader sees a short line that is
 * not JSON and counts it as corrupt, and a file with no newline at all costs at most the cap in
 * memory.
 */
final class CappedLines extends FilterInputStream {

  private final int maxLine;
  private long left;
  private long lineLength;
  private boolean dropping;

  CappedLines(InputStream in, int maxLine, long limit) {
    super(in);
    this.maxLine = maxLine;
    this.left = limit;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (true) {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n <= 0) {
        return n;
      }
      left -= n;
      int out = off;
      for (int i = off; i < off + n; i++) {
        byte c = b[i];
        if (c == '\n') {
          dropping = false;
          lineLength = 0;
          b[out++] = c;
        } else if (dropping) {
          continue;
        } else if (++lineLength > maxLine) {
          dropping = true;
          b[out++] = 0; // the line ends here for the reader, and is not JSON
        } else {
          b[out++] = c;
        }
      }
      if (out > off) {
        return out - off;
      }
      // everything read was dropped: read on
    }
  }

  @Override
  public long skip(long n) {
    throw new UnsupportedOperationException("not skippable");
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
