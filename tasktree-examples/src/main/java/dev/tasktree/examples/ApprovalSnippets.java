package dev.tasktree.examples;

import dev.tasktree.Decision;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.SuspendedException;
import dev.tasktree.Tree;
import dev.tasktree.store.FileSignalStore;
import dev.tasktree.store.SignalStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The compiled examples of docs/approvals.md (checked by SnippetsTest and ApprovalSnippetsTest).
 */
public final class ApprovalSnippets {

  private ApprovalSnippets() {}

  /** The blackboard of the snippets. */
  public static final class Post {
    final String id;
    String draft;
    String published;

    public Post(String id) {
      this.id = id;
    }

    String publish(String text) {
      published = text;
      return text;
    }

    public String published() {
      return published;
    }
  }

  // spotless:off
  // snippet:approval-node
  static final Tree<Post> PUBLISH = Tree.<Post>named("Publish")
      .sequence()
          .call(p -> p.draft = "Hello from " + p.id)          // what a person should check
          .approval(p -> "post:" + p.id, p -> p.draft, Duration.ofHours(4))
              .fallback().call(p -> p.draft + " [auto-held]")  // nobody answered in 4 h
          .call((p, ctx) -> p.publish((String) ctx.previous().orElseThrow().data())) // approved text
      .end()
      .build();
  // end-snippet
  // spotless:on

  /** Delivers a decision from code: approve, or reject with a comment. */
  // spotless:off
  // snippet:approval-decide
  static void decide(SignalStore store, String postId, boolean ok) {
    Decision decision = ok ? Decision.approve() : Decision.reject("tone is off");
    decision.deliver(store, "post:" + postId);    // any process sharing the store
  }
  // end-snippet
  // spotless:on

  /** A run whose decisions come from the trace UI (the server writes into the trace dir). */
  // spotless:off
  // snippet:approval-trace-dir
  static Result publishWithTheUi(Post post, Path traceDir) {
    RunOptions options = RunOptions.defaults()
        .withTraceDir(traceDir)                                   // the UI shows the run...
        .withSignalStore(FileSignalStore.inTraceDir(traceDir));   // ...and its Approve button reaches it
    return PUBLISH.run(post, options);
  }
  // end-snippet
  // spotless:on

  /** A worker that suspends rather than waits, and the resume that takes the decision. */
  // spotless:off
  // snippet:approval-suspend
  static Result publishOrSuspend(Post post, RunOptions options) {   // options with a journal
    Result result = PUBLISH.run(post, options.suspendOnApproval());
    if (result.data() instanceof SuspendedException suspended) {
      // Trace status WAITING, journal open: this process may exit.
      System.out.println("waiting for " + suspended.approvalKey() + " in run " + suspended.runId());
    }
    return result;
  }

  /** Later, in any process with the same journal and signal store, once someone decided. */
  static Result continueRun(String runId, Post post, RunOptions options) {
    return PUBLISH.resume(runId, post, options.suspendOnApproval());
  }
  // end-snippet
  // spotless:on
}
