package dev.tasktree.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;
import dev.tasktree.trace.Status;
import java.util.List;
import java.util.Objects;

/**
 * Example 2, a race (hedged request): send the same question to two providers at once and keep the
 * first answer; the slower call is cancelled, which aborts its HTTP request. Offline, provider A
 * answers in 150 ms and provider B would take 5 s.
 */
public final class HedgedRequest {

  private HedgedRequest() {}

  /** The blackboard. */
  public static final class Ask {
    final String question;
    String answer;

    public Ask(String question) {
      this.question = question;
    }

    void setAnswer(String answer) {
      this.answer = answer;
    }

    public String answer() {
      return answer;
    }
  }

  // spotless:off
  // snippet:hedged-request
  public static Tree<Ask> tree(LlmModel onProviderA, LlmModel onProviderB) {
    return Tree.<Ask>named("HedgedRequest")
        .sequence()
            .race()
                .node(Llm.<Ask>prompt(onProviderA, "Answer briefly.", ask -> ask.question))
                .node(Llm.<Ask>prompt(onProviderB, "Answer briefly.", ask -> ask.question))
            .end()
            .writeBlackboard(LlmReply.text(Ask::setAnswer))
        .end()
        .build();
  }
  // end-snippet
  // spotless:on

  static Example.Outcome run(Session session) throws InterruptedException {
    Models models = session.models();
    Tree<Ask> tree = tree(models.model("race-a"), models.secondProvider("race-b"));
    Ask ask = new Ask("Name one use of a hedged request.");
    var handle = tree.start(ask, session.options());
    Result result = handle.await();
    String winner = result.isOk() ? winnerName(session, handle.traceId()) : "";
    return new Example.Outcome(result, winner + ask.answer(), handle.traceId());
  }

  private static String winnerName(Session session, String traceId) {
    List<String> won =
        session.trace(traceId).spansOfKind("Llm").stream()
            .filter(span -> span.status() == Status.OK)
            .map(span -> span.attributes().get("gen_ai.provider.name"))
            .filter(Objects::nonNull)
            .map(JsonNode::asText)
            .toList();
    return won.isEmpty() ? "" : won.getFirst() + " won: ";
  }
}
