package dev.tasktree.trace;

import java.time.Duration;
import java.time.Instant;

/**
 * What a list of runs shows for one trace.
 *
 * @param traceId the trace id
 * @param name the tree's name
 * @param start when the run started
 * @param duration how long it ran (until its end, or until its last event while unfinished)
 * @param status OK, FAIL or CANCELLED when finished; RUNNING while live; INTERRUPTED when the
 *     writing process went silent without finishing; WAITING while an approval waits (live) or when
 *     the run was suspended waiting for one
 * @param spanCount number of spans
 * @param errorCount number of spans that recorded an exception
 * @param inputTokens LLM input tokens, summed over spans
 * @param outputTokens LLM output tokens, summed over spans
 * @param costUsd LLM cost in US dollars, summed over spans
 * @param corruptLines lines that could not be read and were skipped
 * @param models the distinct models ({@code gen_ai.request.model} and {@code
 *     gen_ai.response.model}) of the trace's LLM spans, sorted, at most 16
 * @param tags the trace's tags: the string, number and boolean attributes of its first event (what
 *     a {@link dev.tasktree.spi.RunInterceptor} records), at most 32
 */
public record TraceSummary(
    String traceId,
    String name,
    Instant start,
    Duration duration,
    Status status,
    int spanCount,
    int errorCount,
    long inputTokens,
    long outputTokens,
    double costUsd,
    int corruptLines,
    java.util.List<String> models,
    java.util.Map<String, String> tags) {

  /** Copies the lists; null models or tags read as none. */
  public TraceSummary {
    models = models == null ? java.util.List.of() : java.util.List.copyOf(models);
    tags =
        tags == null || tags.isEmpty()
            ? java.util.Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tags));
  }

  /**
   * A summary without models or tags.
   *
   * @param traceId the trace id
   * @param name the tree's name
   * @param start when the run started
   * @param duration how long it ran
   * @param status the trace's status
   * @param spanCount number of spans
   * @param errorCount number of spans that recorded an exception
   * @param inputTokens LLM input tokens
   * @param outputTokens LLM output tokens
   * @param costUsd LLM cost in US dollars
   * @param corruptLines lines skipped
   */
  public TraceSummary(
      String traceId,
      String name,
      Instant start,
      Duration duration,
      Status status,
      int spanCount,
      int errorCount,
      long inputTokens,
      long outputTokens,
      double costUsd,
      int corruptLines) {
    this(
        traceId,
        name,
        start,
        duration,
        status,
        spanCount,
        errorCount,
        inputTokens,
        outputTokens,
        costUsd,
        corruptLines,
        null,
        null);
  }

  /**
   * Whether the run has finished for good: its end was written and it is not waiting (a suspended
   * run may still be resumed).
   */
  public boolean finished() {
    return status != Status.RUNNING && status != Status.INTERRUPTED && status != Status.WAITING;
  }
}
