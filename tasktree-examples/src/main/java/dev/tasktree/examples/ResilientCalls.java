package dev.tasktree.examples;

import dev.tasktree.CircuitBreaker;
import dev.tasktree.HedgePolicy;
import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmFailures;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;
import dev.tasktree.llm.Message;
import dev.tasktree.store.BreakerStore;
import dev.tasktree.store.InMemoryBreakerStore;
import dev.tasktree.trace.Span;
import java.time.Duration;
import java.util.List;

/**
 * Example 9, fleet resilience: a circuit breaker guards the primary model and a hedge guards the
 * backup's long tail. Offline the primary answers HTTP 503: the first two runs try it and fall
 * through to the backup; that opens the breaker, so the third run skips the primary in
 * microseconds. The backup's first answer is slow: after 300 ms the hedge sends a second attempt,
 * which wins, and the slow one is cancelled.
 */
public final class ResilientCalls {

  private ResilientCalls() {}

  /** The blackboard: a question and, after the run, its answer. */
  public static final class Question {
    final String text;
    String answer;

    public Question(String text) {
      this.text = text;
    }

    List<Message> messages() {
      return List.of(Message.user(text));
    }

    void setAnswer(String answer) {
      this.answer = answer;
    }
  }

  // spotless:off
  static Tree<Question> tree(LlmModel primary, LlmModel backup, BreakerStore breakers) {
    CircuitBreaker primaryHealth = CircuitBreaker.named("primary/" + primary.name())
        .consecutiveFailures(2)
        .noFailureRate()
        .cooldown(Duration.ofSeconds(30))
        .countFailuresIf(LlmFailures::countsForBreaker)
        .store(breakers)
        .build();
    return Tree.<Question>named("ResilientCalls")
        .sequence()
            .selector()
                .breaker(primaryHealth).node(Llm.chat(primary, Question::messages))
                .hedge(HedgePolicy.after(Duration.ofMillis(300)))
                    .node(Llm.chat(backup, Question::messages))
            .end()
            .writeBlackboard(LlmReply.text(Question::setAnswer))
        .end()
        .build();
  }
  // spotless:on

  static Example.Outcome run(Session session) throws InterruptedException {
    Models models = session.models();
    Tree<Question> tree =
        tree(
            models.model("resilient-primary"),
            models.model("resilient-backup"),
            new InMemoryBreakerStore());
    StringBuilder story = new StringBuilder();
    Result result = null;
    String traceId = null;
    for (int run = 1; run <= 3; run++) {
      Question question = new Question("Why share a circuit breaker across processes?");
      var handle = tree.start(question, session.options());
      result = handle.await();
      traceId = handle.traceId();
      Span breaker = session.trace(traceId).spansOfKind("Breaker").getFirst();
      Span hedge = session.trace(traceId).spansOfKind("Hedge").getFirst();
      story.append(story.isEmpty() ? "" : "; ").append("run ").append(run).append(": breaker ");
      story.append(breaker.attribute("circuit_permit").asText());
      if (breaker.attribute("circuit_transition") != null) {
        story.append(" (").append(breaker.attribute("circuit_transition").asText()).append(')');
      }
      var winner = hedge.attribute("hedge_winner");
      story.append(", hedge won by attempt ").append(winner == null ? "-" : winner.asText());
    }
    return new Example.Outcome(result, story.toString(), traceId);
  }
}
