package dev.tasktree.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads a JSON Lines trace file back into a {@link Trace}: the span tree plus its summary.
 *
 * <p>Corrupt lines, lines longer than {@link TraceFormat#MAX_LINE_BYTES} and a truncated last line
 * are skipped and counted ({@link TraceSummary#corruptLines()}). An unfinished trace reads as
 * {@link Status#RUNNING} while its writer keeps appending (heartbeats included) and as {@link
 * Status#INTERRUPTED} once it has been silent longer than {@code staleAfter} (10 s by default), so
 * a dead process never looks alive. Thread-safe and stateless.
 */
public final class TraceReader {

  private final Clock clock;
  private final Duration staleAfter;

  /** A reader on the system clock with the default staleness (10 s). */
  public TraceReader() {
    this(Clock.systemUTC(), Duration.ofSeconds(10));
  }

  /** A reader with its own clock and staleness threshold. */
  public TraceReader(Clock clock, Duration staleAfter) {
    this.clock = clock;
    this.staleAfter = staleAfter;
  }

  /**
   * Reads a trace file.
   *
   * @throws UnreadableTraceException when the file is not a trace (empty, or its first readable
   *     line is not a trace start)
   * @throws IOException when the file cannot be read at all
   */
  public Trace read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.getFileName().toString());
    }
  }

  /**
   * The summary of a finished trace read from the file's first and last lines only, without reading
   * the rest: what an index of many files needs.
   *
   * @return the summary, or empty when the file does not end with the writer's summary line (an
   *     unfinished or interrupted run, a file from an older writer, a damaged file): then {@link
   *     #read(Path)} it
   * @throws IOException when the file cannot be read at all
   */
  public Optional<TraceSummary> readSummary(Path file) throws IOException {
    return SummaryLine.read(file);
  }

  /**
   * Like {@link #readSummary(Path)}, from a channel the caller opened (for example without
   * following links) and closes; reads by position, so the channel's position does not matter.
   *
   * @throws IOException when the channel cannot be read
   */
  public Optional<TraceSummary> readSummary(FileChannel channel) throws IOException {
    return SummaryLine.read(channel);
  }

  /**
   * Like {@link #readSummary(FileChannel)}, for the file as it was at {@code size} bytes (its size
   * when the caller looked at it before opening): a trace is only appended to, so that part is what
   * the caller saw, and reading it spares asking the size again.
   *
   * @throws IOException when the channel cannot be read
   */
  public Optional<TraceSummary> readSummary(FileChannel channel, long size) throws IOException {
    return SummaryLine.read(channel, size);
  }

  /**
   * Reads a trace from a stream of JSON Lines.
   *
   * @param source a name for error messages
   */
  public Trace read(InputStream in, String source) throws IOException {
    TraceAssembler assembler = new TraceAssembler();
    LineReader reader = new LineReader(in);
    int lineNumber = 0;
    for (String line; (line = reader.next()) != null; ) {
      lineNumber++;
      if (line == LineReader.TOO_LONG) {
        if (!assembler.hasStart() && lineNumber == 1) {
          throw new UnreadableTraceException(
              source
                  + " is not a TaskTree trace: line 1 is longer than "
                  + TraceFormat.MAX_LINE_BYTES
                  + " bytes");
        }
        assembler.corruptLine();
        continue;
      }
      if (line.isBlank() || SummaryLine.is(line)) {
        continue; // the summary repeats what the events say
      }
      TraceEvent event;
      try {
        event = TraceCodec.decode(line, assembler.traceId());
      } catch (RuntimeException e) {
        if (!assembler.hasStart() && lineNumber == 1) {
          throw new UnreadableTraceException(
              source + " is not a TaskTree trace: line 1: " + e.getMessage());
        }
        assembler.corruptLine();
        continue;
      }
      if (!assembler.hasStart() && !(event instanceof TraceEvent.TraceStarted)) {
        throw new UnreadableTraceException(
            source + " is not a TaskTree trace: it does not start with a trace event");
      }
      assembler.accept(event);
    }
    if (!assembler.hasStart()) {
      throw new UnreadableTraceException(source + " is empty");
    }
    return assembler.build(clock.instant(), staleAfter);
  }

  /** A file that is not a TaskTree trace; the message says why. */
  public static final class UnreadableTraceException extends IOException {
    UnreadableTraceException(String message) {
      super(message);
    }
  }
}
