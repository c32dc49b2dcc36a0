package dev.tasktree.examples;

import dev.tasktree.Backoff;
import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.spi.Around;
import dev.tasktree.spi.Node;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.store.InMemorySignalStore;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.RedactionPolicy;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The code shown in {@code docs/core.md}, compiled and exercised by {@code SnippetsTest}: each
 * {@code snippet:NAME} region below is a Java block of the docs, word for word.
 */
public final class DocSnippets {

  private DocSnippets() {}

  /** A blackboard for the snippets. */
  public static final class Job {
    final String id;
    final List<String> documents;
    String summary;

    public Job(String id, List<String> documents) {
      this.id = id;
      this.documents = documents;
    }

    String id() {
      return id;
    }

    void setSummary(String summary) {
      this.summary = summary;
    }

    public String summary() {
      return summary;
    }
  }

  static String summarise(String document) {
    return document.length() > 20 ? document.substring(0, 20) + "…" : document;
  }

  // spotless:off
  // snippet:build
  static final Tree<String> SUMMARISE_ONE = Tree.<String>named("SummariseOne")
      .retry(RetryPolicy.tries(3).backoff(Backoff.exponential(Duration.ofMillis(100), 2, Duration.ofSeconds(2))))
          .call(DocSnippets::summarise)
      .build();

  static final Tree<Job> SUMMARISE = Tree.<Job>named("Summarise")
      .sequence()
          .log(LogLevel.INFO, job -> "summarising " + job.documents.size() + " documents")
          .timeout(Duration.ofSeconds(30))
              .gather(job -> job.documents, SUMMARISE_ONE, 4)
          .fallback()
              .call(job -> List.of("(no summary in time)"))
          .call((job, ctx) -> String.join("\n", (List<String>) ctx.previous().orElseThrow().data()))
          .writeBlackboard(Job::setSummary)
      .end()
      .build();
  // end-snippet
  // spotless:on

  static Result runOptions() throws InterruptedException {
    Job job = new Job("job-7", List.of("first document", "second document"));
    // snippet:run
    RunOptions options =
        RunOptions.defaults()
            .withTraceDir(Path.of(".traces")) // one JSON Lines file per run
            .withRandom(() -> new Random(42)); // repeatable random choices

    Result result = SUMMARISE.run(job, options); // on this thread

    RunHandle handle = SUMMARISE.start(job, options); // on a virtual thread
    System.out.println("trace " + handle.traceId());
    handle.cancel(); // stops every node of the run, at any depth
    Result cancelled = handle.await(); // FAIL(CancellationException)
    // end-snippet
    return result.isOk() ? cancelled : result;
  }

  // snippet:node
  /** A node of your own: here, one that asks a search service and records what it did. */
  static final class Search implements Node<Job> {
    @Override
    public Result execute(Job job, NodeContext context) throws Exception {
      context.attribute("query", job.id());
      List<String> hits = List.of("hit for " + job.id()); // call your service here
      context.log(LogLevel.DEBUG, hits.size() + " hits");
      return Result.ok(hits);
    }

    @Override
    public String kind() {
      return "Search";
    }
  }

  // end-snippet

  // spotless:off
  // snippet:stores
  static final InMemorySignalStore SIGNALS = new InMemorySignalStore();

  static final Tree<Job> CACHED_AND_STOPPABLE = Tree.<Job>named("Cached")
      .terminable(job -> "stop:" + job.id())
          .cache(CachePolicy.key(Job::id).ttl(Duration.ofMinutes(10)).as(List.class))
              .node(new Search())
      .fallback()
          .call(job -> List.of())
      .build();

  static void stopJob(String id) {
    SIGNALS.raise("stop:" + id, "cancelled by the user", Duration.ofMinutes(5));
  }
  // end-snippet
  // spotless:on

  // snippet:wrap
  static final Around<Job> TIMED =
      (job, context, child) -> {
        long start = System.nanoTime();
        Result result = child.run();
        context.attribute("child_micros", (System.nanoTime() - start) / 1_000);
        return result;
      };

  // end-snippet

  static long countFailures(Path file) throws IOException {
    // snippet:read
    Trace trace = new TraceReader().read(file);
    System.out.println(trace.summary().status() + " in " + trace.summary().duration());
    long failures =
        trace.spans().filter(span -> span.status() == dev.tasktree.trace.Status.FAIL).count();
    for (Span attempt : trace.spansOfKind("Retry")) {
      System.out.println(attempt.path() + ": " + attempt.children().size() + " attempts");
    }
    // end-snippet
    return failures;
  }

  // spotless:off
  // snippet:redaction
  static final RedactionPolicy MORE = RedactionPolicy.defaults().toBuilder()
      .secretNames("ssn", "iban")
      .allowNames("public_key_id")
      .secretValues(Pattern.compile("acct-[0-9]{8}"))
      .build();
  static final RedactionPolicy ONLY = RedactionPolicy.builder().secretNames("ssn").build(); // no defaults
  static final RunOptions REDACTING = RunOptions.defaults().withRedaction(MORE);
  // end-snippet
  // spotless:on
}
