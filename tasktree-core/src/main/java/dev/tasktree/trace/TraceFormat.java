package dev.tasktree.trace;

/**
 * Constants of the trace file format that writers and readers share (see {@code
 * docs/trace-format.md}).
 */
public final class TraceFormat {

  /**
   * The longest line, in UTF-8 bytes with its newline, that a writer emits and that every reader
   * accepts: 8 MiB. The writer guarantees it: an event that would encode longer is written again
   * with its values cut harder (strings, items, depth, each with the usual visible marker) until it
   * fits, and as a last resort with its values replaced by one marker. A reader skips a longer line
   * as corrupt without holding it in memory.
   */
  public static final int MAX_LINE_BYTES = 8 << 20;

  /** The format version this library writes ({@code "v"} of the first line). */
  public static final int VERSION = TraceCodec.VERSION;

  private TraceFormat() {}
}
