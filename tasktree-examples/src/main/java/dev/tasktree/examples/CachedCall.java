package dev.tasktree.examples;

import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;
import dev.tasktree.trace.Span;
import java.time.Duration;

/**
 * Example 6, a cached call: a Cache around an LLM call, keyed by model and question. The first run
 * asks the model and stores the answer (as JSON) in the run's cache store; the second is a hit and
 * costs nothing. With {@code TASKTREE_REDIS_URL} set the store is Redis, so the hit also happens in
 * the next process.
 */
public final class CachedCall {

  private CachedCall() {}

  /** The blackboard. */
  public static final class Question {
    final String text;
    String answer;

    public Question(String text) {
      this.text = text;
    }

    void setAnswer(String answer) {
      this.answer = answer;
    }

    public String answer() {
      return answer;
    }
  }

  // spotless:off
  // snippet:cached-call
  public static Tree<Question> tree(LlmModel model) {
    return Tree.<Question>named("CachedCall")
        .sequence()
            .cache(CachePolicy.<Question>key(q -> model.name() + ":" + q.text)
                    .ttl(Duration.ofMinutes(10))
                    .as(String.class))
                .sequence()
                    .node(Llm.<Question>prompt(model, "Answer in one sentence.", q -> q.text))
                    .call((q, ctx) -> ((LlmReply) ctx.previous().orElseThrow().data()).text())
                .end()
            .writeBlackboard(Question::setAnswer)
        .end()
        .build();
  }
  // end-snippet
  // spotless:on

  static final String QUESTION = "Why cache LLM calls?";

  static Example.Outcome run(Session session) throws InterruptedException {
    Tree<Question> tree = tree(session.models().model("cached"));
    StringBuilder outcomes = new StringBuilder();
    Example.Outcome last = null;
    for (int i = 1; i <= 2; i++) {
      Question question = new Question(QUESTION);
      var handle = tree.start(question, session.options());
      Result result = handle.await();
      Span cacher = session.trace(handle.traceId()).spansOfKind("Cache").getFirst();
      var outcome = cacher.attributes().get("cache");
      outcomes.append("run ").append(i).append(' ');
      outcomes.append(outcome == null ? "?" : outcome.asText()).append(", ");
      last = new Example.Outcome(result, outcomes + question.answer(), handle.traceId());
      if (!result.isOk()) {
        break;
      }
    }
    return last;
  }
}
