package dev.tasktree.examples;

import java.util.List;

/** The demo's examples, in the order it runs them: a name, a line for {@code --help}, a runner. */
final class Examples {

  private Examples() {}

  /** Every example, in the order the demo runs them. */
  static final List<Example> ALL =
      List.of(
          new Example(
              "fallback-chain",
              "primary model times out, secondary returns HTTP 500, tertiary answers",
              FallbackChain::run),
          new Example(
              "hedged-request",
              "race two providers; the faster answer wins, the slower call is cancelled",
              HedgedRequest::run),
          new Example(
              "fan-out",
              "summarise five documents in parallel (two at a time), then merge",
              FanOut::run),
          new Example(
              "tool-agent", "an LLM tool loop with two annotated Java tools", ToolAgent::run),
          new Example(
              "structured-output",
              "extract a Java record; Retry when the reply does not fit",
              StructuredOutput::run),
          new Example(
              "cached-call",
              "a Cache around an LLM call, run twice: the second run is a hit",
              CachedCall::run),
          new Example(
              "terminable-job",
              "a long job stopped by a signal after two chapters; its fallback keeps them",
              TerminableJob::run),
          new Example(
              "plain-workflow",
              "Sequence, When/OrElse, RepeatWhile, ParseJson, WriteBlackboard; no LLM",
              PlainWorkflow::run),
          new Example(
              "resilient-calls",
              "a breaker opens on a failing model and the chain falls through; a hedge cuts the"
                  + " tail",
              ResilientCalls::run),
          new Example(
              "crashed-run",
              "a durable run dies after 3 of 6 LLM calls; resume replays them and calls the rest",
              CrashedRun::run),
          new Example(
              "approval-granted",
              "a durable run suspends WAITING on an Approval; approved via the trace UI's endpoint,"
                  + " it resumes",
              ApprovalGranted::run));

  /** The example named {@code name}, or null. */
  static Example named(String name) {
    return ALL.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
  }
}
