package dev.tasktree.examples;

import dev.tasktree.Result;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;
import dev.tasktree.llm.Message;
import java.time.Duration;
import java.util.List;

/**
 * Example 1, a fallback chain: ask the primary model with a deadline; when it is too slow, ask the
 * secondary; when that fails too, the tertiary. Offline, the primary hangs (the Timeout cancels it
 * and its HTTP request), the secondary answers HTTP 500, and the tertiary answers.
 */
public final class FallbackChain {

  private FallbackChain() {}

  /** The blackboard: a question and, after the run, its answer. */
  public static final class Question {
    final String text;
    String answer;

    public Question(String text) {
      this.text = text;
    }

    List<Message> messages() {
      return List.of(Message.system("Answer in one sentence."), Message.user(text));
    }

    void setAnswer(String answer) {
      this.answer = answer;
    }

    public String answer() {
      return answer;
    }
  }

  // spotless:off
  // snippet:fallback-chain
  public static Tree<Question> tree(LlmModel primary, LlmModel secondary, LlmModel tertiary) {
    return Tree.<Question>named("FallbackChain")
        .sequence()
            .selector()
                .timeout(Duration.ofSeconds(2)).node(Llm.chat(primary, Question::messages))
                .node(Llm.chat(secondary, Question::messages))
                .node(Llm.chat(tertiary, Question::messages))
            .end()
            .writeBlackboard(LlmReply.text(Question::setAnswer))
        .end()
        .build();
  }
  // end-snippet
  // spotless:on

  static Example.Outcome run(Session session) throws InterruptedException {
    Models models = session.models();
    Tree<Question> tree =
        tree(
            models.model("fallback-primary"),
            models.model("fallback-secondary"),
            models.model("fallback-tertiary"));
    Question question = new Question("What is a behavior tree?");
    var handle = tree.start(question, session.options());
    Result result = handle.await();
    return new Example.Outcome(result, question.answer(), handle.traceId());
  }
}
