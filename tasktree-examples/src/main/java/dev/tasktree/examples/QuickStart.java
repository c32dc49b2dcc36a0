package dev.tasktree.examples;

import dev.tasktree.Backoff;
import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The README's first example: a fallback chain with a timeout and a retry, traced to a file. */
public final class QuickStart {

  private QuickStart() {}

  /** The blackboard: the state one run reads and writes. */
  public static final class Chat {
    final String question;
    String answer;

    public Chat(String question) {
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
  // snippet:quickstart
  static final Tree<Chat> ANSWER = Tree.<Chat>named("Answer")
      .sequence()
          .selector()
              .timeout(Duration.ofMillis(200)).call(chat -> slowService(chat.question))
              .retry(RetryPolicy.tries(3).backoff(Backoff.fixed(Duration.ofMillis(20))))
                  .call(chat -> flakyService(chat.question))
              .call(chat -> "No service answered.")
          .end()
          .writeBlackboard(Chat::setAnswer)
      .end()
      .build();

  public static void main(String[] args) {
    Chat chat = new Chat("What is a behavior tree?");
    RunOptions options = RunOptions.defaults().withTraceDir(Path.of(".traces"));
    Result result = ANSWER.run(chat, options);
    System.out.println(result.isOk() + ": " + chat.answer);
    System.out.println(ANSWER.describe());
  }
  // end-snippet
  // spotless:on

  /** Stands in for a model that takes too long. */
  static String slowService(String question) throws InterruptedException {
    Thread.sleep(5_000);
    return "too late";
  }

  /** Stands in for a model that fails now and then. */
  static Object flakyService(String question) {
    if (ThreadLocalRandom.current().nextInt(3) == 0) {
      return Result.fail("503 from the flaky service");
    }
    return "A tree of tasks whose control flow is decided by OK/FAIL results.";
  }
}
