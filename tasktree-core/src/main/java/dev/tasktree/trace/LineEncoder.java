package dev.tasktree.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A reusable JSON generator for trace lines, taken from a small shared pool for one line at a time:
 * a generator per line cost five objects and three copies of the line (JFR: the largest share of a
 * traced run's allocation). Not thread-local, because lines are encoded on the run's threads and a
 * Gather may run 100,000 virtual threads; at most a few encode at any moment (encoding never
 * blocks), so {@value #POOL} pooled encoders cover them and the rare extra one is made and dropped.
 * An encoder whose line failed is dropped, never pooled, so a half-written line cannot leak into
 * the next.
 */
final class LineEncoder {

  private static final int POOL = 16;

  /**
   * A buffer grown by a long line is not kept beyond this size: enough for the first line of a
   * 1,000-node tree (its shape), which would otherwise regrow the buffer on every run.
   */
  private static final int KEPT_BUFFER = 256 << 10;

  private static final AtomicReferenceArray<LineEncoder> FREE = new AtomicReferenceArray<>(POOL);

  private final Capture out = new Capture();
  final JsonGenerator generator;

  /** Scratch for a timestamp's characters. */
  final char[] time = new char[27];

  private LineEncoder(JsonFactory factory) throws IOException {
    generator = factory.createGenerator(out);
    generator.setRootValueSeparator(null); // one root value per line, nothing between them
  }

  static LineEncoder acquire(JsonFactory factory) throws IOException {
    int start = slot();
    for (int i = 0; i < POOL; i++) {
      int at = (start + i) & (POOL - 1);
      if (FREE.get(at) != null) {
        LineEncoder encoder = FREE.getAndSet(at, null);
        if (encoder != null) {
          return encoder;
        }
      }
    }
    return new LineEncoder(factory);
  }

  /** Returns an encoder whose last line was completed; a full pool drops it. */
  static void release(LineEncoder encoder) {
    int start = slot();
    for (int i = 0; i < POOL; i++) {
      if (FREE.compareAndSet((start + i) & (POOL - 1), null, encoder)) {
        return;
      }
    }
  }

  private static int slot() {
    return (int) Thread.currentThread().threadId() & (POOL - 1);
  }

  /** The bytes written since the last line, with a newline: call after the event's root object. */
  byte[] takeLine() throws IOException {
    generator.flush();
    return out.take();
  }

  /** Collects the generator's output of one line. */
  private static final class Capture extends OutputStream {
    private byte[] buffer = new byte[512];
    private int size;

    @Override
    public void write(int b) {
      ensure(1);
      buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      ensure(length);
      System.arraycopy(bytes, offset, buffer, size, length);
      size += length;
    }

    private void ensure(int more) {
      if (size + more > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
      }
    }

    byte[] take() {
      byte[] line = Arrays.copyOf(buffer, size + 1);
      line[size] = '\n';
      size = 0;
      if (buffer.length > KEPT_BUFFER) {
        buffer = new byte[512];
      }
      return line;
    }
  }
}
