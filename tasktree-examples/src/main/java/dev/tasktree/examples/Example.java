package dev.tasktree.examples;

import dev.tasktree.Result;

/**
 * One example of the demo: a name for {@code --example}, a line for {@code --help}, and how to run
 * it in a {@link Session}.
 */
record Example(String name, String summary, Example.Runner runner) {

  /** Runs an example once and says what came out. */
  @FunctionalInterface
  interface Runner {
    Outcome run(Session session) throws Exception;
  }

  /**
   * What a run produced.
   *
   * @param result the tree's result
   * @param answer the answer in a few words, for the demo's line
   * @param traceId the trace of the run the line reports
   */
  record Outcome(Result result, String answer, String traceId) {}
}
