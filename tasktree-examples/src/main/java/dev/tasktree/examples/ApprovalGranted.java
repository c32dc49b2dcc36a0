package dev.tasktree.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.SuspendedException;
import dev.tasktree.Tree;
import dev.tasktree.llm.Llm;
import dev.tasktree.llm.LlmModel;
import dev.tasktree.llm.LlmReply;
import dev.tasktree.server.ServerOptions;
import dev.tasktree.server.TraceServer;
import dev.tasktree.store.FileSignalStore;
import dev.tasktree.trace.Trace;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * Example 11, approval-granted: a durable run drafts a release note with an LLM call (journaled)
 * and reaches an Approval; with {@code suspendOnApproval} it suspends instead of waiting (trace
 * WAITING, journal open). The note is then approved exactly as the trace UI's Approve button does
 * it — a same-origin JSON POST to the trace server's {@code /api/traces/{id}/spans/{span}/decision}
 * — and the run is {@code resume}d: the draft is replayed from the journal, the Approval takes the
 * decision the server wrote into {@code <traceDir>/signals}, and the note is published.
 *
 * <p>The POST goes to the demo's own trace server when it serves while the examples run; with
 * {@code --no-serve} the example starts a server of its own on an ephemeral loopback port over the
 * same trace dir for the one request.
 */
public final class ApprovalGranted {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long the example waits for the server to show the suspended trace. */
  private static final Duration SHOWN_WITHIN = Duration.ofSeconds(20);

  private ApprovalGranted() {}

  /** The blackboard: the release and its changes in, the draft and the published note out. */
  public static final class Release {
    final String id;
    final String changes;
    String draft;
    String published;

    /** A release with a unique id: its approval key must not take an earlier run's decision. */
    public Release(String id, String changes) {
      this.id = id;
      this.changes = changes;
    }

    void setDraft(String draft) {
      this.draft = draft;
    }

    String publish(String note) {
      published = note;
      return note;
    }

    /** The key the person's decision is delivered under. */
    String approvalKey() {
      return "release-note:" + id;
    }

    public String published() {
      return published;
    }
  }

  // spotless:off
  public static Tree<Release> tree(LlmModel writer) {
    return Tree.<Release>named("ReleaseNote")
        .sequence()
            .node(Llm.<Release>prompt(writer, "Write a short release note.", r -> r.changes))
            .writeBlackboard(LlmReply.text(Release::setDraft))      // a checkpoint: replayed
            .approval(Release::approvalKey, r -> r.draft, Duration.ofHours(4))
            .call((r, ctx) -> r.publish((String) ctx.previous().orElseThrow().data()))
        .end()
        .build();
  }
  // spotless:on

  static final String CHANGES =
      "Resume crashed runs from a journal; approve waiting runs in the UI";

  static Example.Outcome run(Session session) throws Exception {
    Tree<Release> tree = tree(session.models().model("release-writer"));
    String id = UUID.randomUUID().toString().substring(0, 8);
    try (FileSignalStore signals = FileSignalStore.inTraceDir(session.traceDir());
        Ui ui = Ui.over(session)) {
      RunOptions options =
          session
              .options()
              .withJournal(session.journal())
              .withSignalStore(signals) // where the trace server delivers the UI's decisions
              .suspendOnApproval();

      // 1. the run reaches the Approval and suspends: trace WAITING, this process could exit
      Result first = tree.run(new Release(id, CHANGES), options);
      if (!(first.data() instanceof SuspendedException suspended)) {
        return new Example.Outcome(
            first.isOk() ? Result.fail("the run did not wait for the approval") : first,
            "did not suspend",
            session.traces().last().summary().traceId());
      }

      // 2. a person clicks Approve in the trace UI
      String span = ui.waitingApprovalSpan(suspended.runId());
      JsonNode delivered = ui.approve(suspended.runId(), span, "looks good");

      // 3. the run continues, as a fresh process would: same tree, same input, the run id
      Release release = new Release(id, CHANGES);
      Result result = tree.resume(suspended.runId(), release, options);
      Trace resumed = session.traces().last();
      long replayed = resumed.spans().filter(CrashedRun::replayed).count();
      String answer =
          String.format(
              "waited, approved via UI POST, resumed: %d replayed (decision in the %s store): %s",
              replayed, delivered.path("store").asText(), release.published());
      return new Example.Outcome(result, answer, resumed.summary().traceId());
    }
  }

  /**
   * The trace UI, as its page talks to its server: the demo's server, or one started over the trace
   * dir for this example (closed with it).
   */
  static final class Ui implements AutoCloseable {
    private final String base;
    private final TraceServer owned;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Ui(String base, TraceServer owned) {
      this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
      this.owned = owned;
    }

    static Ui over(Session session) throws IOException {
      if (session.traceUi() != null) {
        return new Ui(session.traceUi(), null);
      }
      TraceServer server =
          TraceServer.start(ServerOptions.defaults().withTraceDir(session.traceDir()).withPort(0));
      return new Ui(server.url(), server);
    }

    /**
     * The id of the WAITING Approval span of trace {@code traceId}, as the page finds it: from
     * {@code GET /api/traces/{id}}, once the trace's last lines have reached the file.
     */
    String waitingApprovalSpan(String traceId) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + SHOWN_WITHIN.toNanos();
      String last = "no answer";
      while (System.nanoTime() < deadline) {
        HttpResponse<String> response =
            http.send(
                request("/api/traces/" + encode(traceId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          for (JsonNode span : JSON.readTree(response.body()).path("spans")) {
            if (span.path("kind").asText().equals("Approval")
                && span.path("status").asText().equals("WAITING")) {
              return span.path("id").asText();
            }
          }
        }
        last = "HTTP " + response.statusCode();
        Thread.sleep(50); // the trace writer flushes every 25 ms
      }
      throw new IOException(
          "the trace server did not show a WAITING Approval in " + traceId + " (" + last + ")");
    }

    /** Clicks Approve: the page's same-origin JSON POST; returns the server's answer. */
    JsonNode approve(String traceId, String span, String comment)
        throws IOException, InterruptedException {
      String body =
          JSON.createObjectNode().put("approved", true).put("comment", comment).toString();
      HttpResponse<String> response =
          http.send(
              request("/api/traces/" + encode(traceId) + "/spans/" + encode(span) + "/decision")
                  .header("Content-Type", "application/json")
                  .header("Origin", base) // what the browser sends from the UI's own page
                  .header("Sec-Fetch-Site", "same-origin")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 202) {
        throw new IOException(
            "the decision endpoint answered HTTP "
                + response.statusCode()
                + ": "
                + Report.shorten(response.body(), 200));
      }
      return JSON.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create(base + path))
          .header("Accept", "application/json")
          .timeout(Duration.ofSeconds(10));
    }

    private static String encode(String part) {
      return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
      http.close();
      if (owned != null) {
        owned.close();
      }
    }
  }
}
