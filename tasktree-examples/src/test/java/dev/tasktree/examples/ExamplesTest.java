package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.llm.LlmError;
import dev.tasktree.llm.LlmReply;
import dev.tasktree.llm.testing.RecordedRequest;
import dev.tasktree.llm.testing.ScriptedLlmServer;
import dev.tasktree.server.ServerOptions;
import dev.tasktree.server.TraceServer;
import dev.tasktree.store.FileJournal;
import dev.tasktree.store.InMemoryCacheStore;
import dev.tasktree.store.InMemorySignalStore;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.JsonlTraceWriter;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example against the scripted server: its result, and the spans a user would look for in its
 * trace.
 */
class ExamplesTest {

  private static Models models;
  private static ScriptedLlmServer server;

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final InMemorySignalStore signals = new InMemorySignalStore();
  @TempDir Path journalDir;
  @TempDir Path traceDir;
  private FileJournal journal;
  private Session session;

  @BeforeAll
  static void startServer() {
    models = Models.scripted();
    server = models.server();
  }

  @AfterAll
  static void stopServer() {
    models.close();
  }

  @AfterEach
  void closeJournal() {
    journal.close();
  }

  @BeforeEach
  void freshScripts() {
    journal = FileJournal.open(journalDir);
    server.reset();
    Scripts.install(server);
    session =
        new Session(
            models,
            RunOptions.defaults()
                .withTraceSink(traces)
                .withCacheStore(new InMemoryCacheStore())
                .withSignalStore(signals),
            traces,
            journal,
            traceDir,
            null);
  }

  @Test
  void fallbackChainGetsPastATimeoutAndAnHttp500ToTheTertiary() throws Exception {
    Example.Outcome outcome = FallbackChain.run(session);

    assertThat(outcome.result().isOk()).isTrue();
    assertThat(outcome.answer()).startsWith("A behavior tree composes tasks");
    Trace trace = session.trace(outcome.traceId());
    Span selector = trace.spansOfKind("Selector").getFirst();
    assertThat(selector.children()).extracting(Span::kind).containsExactly("Timeout", "Llm", "Llm");
    Span timeout = selector.children().get(0);
    assertThat(timeout.status()).isEqualTo(Status.FAIL);
    assertThat(timeout.error().type()).isEqualTo(TimeoutException.class.getName());
    assertThat(timeout.children().getFirst().status()).isEqualTo(Status.CANCELLED);
    Span secondary = selector.children().get(1);
    assertThat(secondary.status()).isEqualTo(Status.FAIL);
    assertThat(secondary.attribute("tasktree.llm.http_status").asInt()).isEqualTo(500);
    assertThat(secondary.attribute("error.type").asText()).isEqualTo("server_error");
    assertThat(selector.children().get(2).status()).isEqualTo(Status.OK);
    // The cancelled primary's HTTP request was aborted, not left running.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.requests("fallback-primary").getFirst().clientClosed());
  }

  @Test
  void hedgedRequestKeepsTheFasterProviderAndCancelsTheSlower() throws Exception {
    Example.Outcome outcome = HedgedRequest.run(session);

    assertThat(outcome.result().isOk()).isTrue();
    assertThat(outcome.answer()).isEqualTo("provider-a won: " + raceAnswer());
    Span race = session.trace(outcome.traceId()).spansOfKind("Race").getFirst();
    assertThat(race.children()).hasSize(2);
    assertThat(race.children())
        .extracting(s -> s.attribute("gen_ai.provider.name").asText(), Span::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("provider-a", Status.OK),
            org.assertj.core.groups.Tuple.tuple("provider-b", Status.CANCELLED));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.requests("race-b").getFirst().clientClosed());
  }

  private static String raceAnswer() {
    return "Cutting tail latency: ask twice, keep the first answer.";
  }

  @Test
  void fanOutSummarisesEveryDocumentAtMostTwoAtATimeThenMerges() throws Exception {
    Example.Outcome outcome = FanOut.run(session);

    assertThat(outcome.result().isOk()).isTrue();
    assertThat(outcome.answer()).startsWith("5 summaries merged: Revenue is up");
    Trace trace = session.trace(outcome.traceId());
    Span gather = trace.spansOfKind("Gather").getFirst();
    assertThat(gather.children()).hasSize(FanOut.DOCUMENTS.size());
    assertThat(gather.children()).allMatch(s -> s.status() == Status.OK);
    List<Span> summaries =
        trace.spansOfKind("Llm").stream().filter(s -> s.name().equals("summarise")).toList();
    assertThat(summaries).hasSize(5);
    assertThat(maxOverlap(summaries)).isBetween(1, 2);
    // the merge call saw every summary
    RecordedRequest merge = server.requests("merge").getFirst();
    assertThat(merge.body().toString()).contains("Summarised in one sentence.");
    assertThat(server.requests("summarise")).hasSize(5);
  }

  /** The largest number of spans running at the same instant. */
  private static int maxOverlap(List<Span> spans) {
    List<Instant[]> events = new ArrayList<>();
    spans.forEach(s -> events.add(new Instant[] {s.start(), s.end()}));
    int max = 0;
    for (Instant[] e : events) {
      Instant t = e[0];
      int running = (int) events.stream().filter(o -> !o[0].isAfter(t) && o[1].isAfter(t)).count();
      max = Math.max(max, running);
    }
    return max;
  }

  @Test
  void toolAgentRunsBothJavaToolsAndAnswersWithTheirResults() throws Exception {
    Example.Outcome outcome = ToolAgent.run(session);

    assertThat(outcome.result().isOk()).isTrue();
    LlmReply reply = (LlmReply) outcome.result().data();
    assertThat(reply.text()).contains("A-1042 has shipped");
    assertThat(reply.iterations()).isEqualTo(2);
    Span llm = session.trace(outcome.traceId()).spansOfKind("Llm").getFirst();
    List<Span> tools = llm.children().stream().filter(s -> s.kind().equals("Tool")).toList();
    assertThat(tools)
        .extracting(s -> s.attribute("gen_ai.tool.name").asText())
        .containsExactlyInAnyOrder("orderStatus", "deliveryDays");
    assertThat(tools)
        .extracting(s -> s.attribute("gen_ai.tool.call.result").asText())
        .containsExactlyInAnyOrder("shipped", "3");
    // the second model call carried the tool results
    String second = server.requests("agent").get(1).body().toString();
    assertThat(second).contains("\"role\":\"tool\"").contains("shipped");
  }

  @Test
  void structuredOutputRetriesAProseReplyAndBindsTheRecord() throws Exception {
    Example.Outcome outcome = StructuredOutput.run(session);

    assertThat(outcome.result().isOk()).isTrue();
    assertThat(((LlmReply) outcome.result().data()).parsed(StructuredOutput.Contact.class))
        .isEqualTo(
            new StructuredOutput.Contact(
                "Ada Lovelace", "ada@analytical.example", "Analytical Engines Ltd"));
    Span retry = session.trace(outcome.traceId()).spansOfKind("Retry").getFirst();
    assertThat(retry.children()).hasSize(2);
    Span first = retry.children().get(0);
    assertThat(first.status()).isEqualTo(Status.FAIL);
    assertThat(first.attribute("error.type").asText()).isEqualTo("output_parse");
    assertThat(retry.children().get(1).status()).isEqualTo(Status.OK);
    assertThat(outcome.answer()).startsWith("2 attempt(s)");
  }

  @Test
  void cachedCallAsksTheModelOnceAndHitsTheSecondTime() throws Exception {
    Example.Outcome outcome = CachedCall.run(session);

    assertThat(outcome.result().isOk()).isTrue();
    assertThat(outcome.answer()).startsWith("run 1 miss, run 2 hit");
    assertThat(server.requests("cached")).hasSize(1);
    List<String> ids = traces.traceIds();
    assertThat(ids).hasSize(2);
    Trace first = session.trace(ids.get(0));
    Trace second = session.trace(ids.get(1));
    assertThat(first.spansOfKind("Cache").getFirst().attribute("cache").asText()).isEqualTo("miss");
    assertThat(first.spansOfKind("Llm")).hasSize(1);
    assertThat(second.spansOfKind("Cache").getFirst().attribute("cache").asText()).isEqualTo("hit");
    assertThat(second.spansOfKind("Llm")).isEmpty();
    assertThat(second.summary().inputTokens() + second.summary().outputTokens()).isZero();
    assertThat(outcome.traceId()).isEqualTo(ids.get(1));
  }

  @Test
  void terminableJobStopsOnTheSignalAndRunsItsFallback() throws Exception {
    Example.Outcome outcome = TerminableJob.run(session);

    assertThat(outcome.result())
        .isEqualTo(Result.ok("stopped: kept 2 of " + TerminableJob.CHAPTERS.size() + " chapters"));
    Trace trace = session.trace(outcome.traceId());
    Span terminable = trace.spansOfKind("Terminable").getFirst();
    assertThat(terminable.attribute("terminated").asBoolean()).isTrue();
    assertThat(terminable.attribute("termination_reason").asText())
        .isEqualTo("stopped by the user");
    assertThat(trace.spansOfKind("RepeatWhile").getFirst().status()).isEqualTo(Status.CANCELLED);
    List<Span> calls = trace.spansOfKind("Llm");
    assertThat(calls.subList(0, 2)).allMatch(s -> s.status() == Status.OK);
    // a third chapter may have started when the signal came: its call was cancelled and aborted
    assertThat(calls.subList(2, calls.size())).allMatch(s -> s.status() == Status.CANCELLED);
    List<RecordedRequest> writes = server.requests("writer");
    assertThat(writes).hasSizeBetween(2, 3);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                server.requests("writer").stream().skip(2).allMatch(RecordedRequest::clientClosed));
  }

  @Test
  void plainWorkflowPricesTheDemoOrder() throws Exception {
    Example.Outcome outcome = PlainWorkflow.run(session);
    assertThat(outcome.result()).isEqualTo(Result.ok(2.0));
    Trace trace = session.trace(outcome.traceId());
    assertThat(trace.spansOfKind("RepeatWhile").getFirst().children()).hasSize(2);
    assertThat(trace.spansOfKind("ParseJson").getFirst().status()).isEqualTo(Status.OK);
    assertThat(trace.spansOfKind("Llm")).isEmpty();
  }

  @Test
  void plainWorkflowPricesEveryLine() {
    PlainWorkflow.Invoice invoice =
        new PlainWorkflow.Invoice(
            "{\"customer\": \"ACME\", \"lines\": [{\"sku\": \"a\", \"quantity\": 2, \"unitPrice\": 1.5},"
                + " {\"sku\": \"b\", \"quantity\": 1, \"unitPrice\": 0.25}]}");
    assertThat(PlainWorkflow.TREE.run(invoice, session.options())).isEqualTo(Result.ok(3.25));
    assertThat(invoice.notes()).containsExactly("total 3.25");
    assertThat(traces.last().spansOfKind("RepeatWhile").getFirst().children()).hasSize(2);
  }

  @Test
  void plainWorkflowRefusesAnEmptyOrder() {
    PlainWorkflow.Invoice invoice =
        new PlainWorkflow.Invoice("{\"customer\": \"ACME\", \"lines\": []}");
    assertThat(PlainWorkflow.TREE.run(invoice, session.options()))
        .isEqualTo(Result.fail("empty order for ACME"));
  }

  @Test
  void quickStartFallsBackPastTheSlowServiceWithinItsTimeout() {
    QuickStart.Chat chat = new QuickStart.Chat("What is a behavior tree?");
    Result result = QuickStart.ANSWER.run(chat, session.options());
    assertThat(result.isOk()).isTrue();
    assertThat(chat.answer())
        .isIn(
            "A tree of tasks whose control flow is decided by OK/FAIL results.",
            "No service answered.");
    Trace trace = traces.last();
    Span timeout = trace.spansOfKind("Timeout").getFirst();
    assertThat(timeout.status()).isEqualTo(Status.FAIL);
    assertThat(timeout.error().type()).isEqualTo(TimeoutException.class.getName());
    assertThat(timeout.children().getFirst().status()).isEqualTo(Status.CANCELLED);
    assertThat(trace.spansOfKind("Retry")).hasSize(1);
  }

  @Test
  void aFailedCallIsAnLlmErrorThatSaysWhy() throws Exception {
    server.script("fallback-tertiary", dev.tasktree.llm.testing.ScriptedReply.error(503, "down"));
    Example.Outcome outcome = FallbackChain.run(session);
    assertThat(outcome.result().isOk()).isFalse();
    assertThat(outcome.result().data())
        .isInstanceOfSatisfying(
            LlmError.class,
            e -> assertThat(e.category()).isEqualTo(LlmError.Category.SERVER_ERROR));
  }

  @Test
  void resilientCallsOpenTheBreakerOnAFailingPrimaryAndHedgeTheBackupsSlowAnswer()
      throws Exception {
    Example.Outcome outcome = ResilientCalls.run(session);

    assertThat(outcome.result().isOk()).isTrue();
    assertThat(outcome.answer())
        .isEqualTo(
            "run 1: breaker closed, hedge won by attempt 2; run 2: breaker closed (closed->open),"
                + " hedge won by attempt 1; run 3: breaker refused, hedge won by attempt 1");
    // two requests reached the failing primary, none after the breaker opened
    assertThat(server.requests("resilient-primary")).hasSize(2);
    // the backup: run 1's slow attempt and its hedge, then one call in each later run
    assertThat(server.requests("resilient-backup")).hasSize(4);
    Trace last = session.trace(outcome.traceId());
    Span breaker = last.spansOfKind("Breaker").getFirst();
    assertThat(breaker.children()).isEmpty();
    assertThat(breaker.error().type()).isEqualTo("dev.tasktree.CircuitOpenException");
  }

  @Test
  void aCrashedRunResumesReplayingTheJournaledCallsAndCallingOnlyTheRest() throws Exception {
    Example.Outcome outcome = CrashedRun.run(session);

    assertThat(outcome.result().isOk()).as(outcome.answer()).isTrue();
    assertThat(outcome.answer())
        .isEqualTo(
            "crashed after 3 calls; resumed: 3 replayed, 3 called: A second provider costs"
                + " little, cuts tail latency and removes a single point of failure.");
    // the first attempt made the plan, the outline and (at least) the first section; the resume
    // called none of those again: two plan calls in all, one edit
    assertThat(server.requests("crash-plan")).hasSize(2);
    assertThat(server.requests("crash-edit")).hasSize(1);
    // three sections asked for before the crash (two cut off in flight), two asked again
    assertThat(server.requests("crash-write")).hasSize(5);
    assertThat(server.requests("crash-write").stream().filter(RecordedRequest::clientClosed))
        .hasSize(2);
    Trace resumed = session.trace(outcome.traceId());
    List<Span> calls = resumed.spansOfKind("Llm");
    assertThat(calls).hasSize(6);
    assertThat(calls.stream().filter(CrashedRun::replayed)).hasSize(3);
    // the resumed run ended: nothing is left to resume
    assertThat(journal.resumable()).isEmpty();
  }

  /** The session of the demo: its traces also written as files into the trace dir. */
  private Session withTraceFiles(JsonlTraceWriter files, String traceUi) {
    return new Session(
        models,
        session.options().withTraceSink(new Tee(files, traces)),
        traces,
        journal,
        traceDir,
        traceUi);
  }

  private static JsonlTraceWriter traceFiles(Path dir) {
    return JsonlTraceWriter.open(dir, Duration.ofMillis(25), Duration.ofSeconds(2));
  }

  @Test
  void anApprovalSuspendsTheRunIsGrantedThroughTheDecisionEndpointAndTheRunResumesOk()
      throws Exception {
    Example.Outcome outcome;
    try (JsonlTraceWriter files = traceFiles(traceDir)) {
      // not serving: the example starts a trace server of its own over the trace dir
      outcome = ApprovalGranted.run(withTraceFiles(files, null));
    }

    assertThat(outcome.result().isOk()).as(outcome.answer()).isTrue();
    String note =
        "Runs now resume after a crash, and a person can approve a waiting run in the UI.";
    assertThat(outcome.result().data()).isEqualTo(note);
    assertThat(outcome.answer())
        .isEqualTo(
            "waited, approved via UI POST, resumed: 1 replayed (decision in the file store): "
                + note);
    List<String> ids = traces.traceIds();
    assertThat(ids).hasSize(2);
    // the first run suspended on the Approval: its trace ends WAITING
    Trace suspended = session.trace(ids.get(0));
    assertThat(suspended.summary().status()).isEqualTo(Status.WAITING);
    Span waiting = suspended.spansOfKind("Approval").getFirst();
    assertThat(waiting.status()).isEqualTo(Status.WAITING);
    assertThat(waiting.attribute(Attributes.APPROVAL_OUTCOME).asText()).isEqualTo("suspended");
    // the resumed run: the draft replayed, the decision the trace server wrote taken, OK
    Trace resumed = session.trace(outcome.traceId());
    assertThat(outcome.traceId()).isEqualTo(ids.get(1));
    assertThat(resumed.summary().status()).isEqualTo(Status.OK);
    assertThat(resumed.spansOfKind("Llm")).singleElement().matches(CrashedRun::replayed);
    Span approval = resumed.spansOfKind("Approval").getFirst();
    assertThat(approval.status()).isEqualTo(Status.OK);
    assertThat(approval.attribute(Attributes.APPROVAL_OUTCOME).asText()).isEqualTo("approved");
    assertThat(approval.attribute(Attributes.APPROVAL_DECIDED_BY).asText()).isEqualTo("trace-ui");
    assertThat(approval.attribute(Attributes.APPROVAL_COMMENT).asText()).isEqualTo("looks good");
    assertThat(CrashedRun.replayed(approval)).isFalse();
    // the model drafted once, the decision is a file of the trace dir, and the run is finished
    assertThat(server.requests("release-writer")).hasSize(1);
    assertThat(traceDir.resolve("signals")).isNotEmptyDirectory();
    assertThat(journal.resumable()).isEmpty();
  }

  @Test
  void whenTheDemoServesTheApprovalIsPostedToItsServer() throws Exception {
    Example.Outcome outcome;
    try (JsonlTraceWriter files = traceFiles(traceDir);
        TraceServer ui =
            TraceServer.start(ServerOptions.defaults().withTraceDir(traceDir).withPort(0))) {
      outcome = ApprovalGranted.run(withTraceFiles(files, ui.url()));
    }
    assertThat(outcome.result().isOk()).as(outcome.answer()).isTrue();
    Span approval = session.trace(outcome.traceId()).spansOfKind("Approval").getFirst();
    assertThat(approval.attribute(Attributes.APPROVAL_DECIDED_BY).asText()).isEqualTo("trace-ui");
  }

  @Test
  void anUnreachableTraceUiIsAClearErrorAndTheRunStaysResumable() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (JsonlTraceWriter files = traceFiles(traceDir)) {
      Session demo = withTraceFiles(files, "http://127.0.0.1:" + closedPort + "/");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ApprovalGranted.run(demo))
          .isInstanceOf(java.io.IOException.class);
    }
    // nothing lost: the suspended run waits in the journal for its decision
    assertThat(journal.resumable()).singleElement().isEqualTo(traces.traceIds().getFirst());
    assertThat(session.trace(traces.traceIds().getFirst()).summary().status())
        .isEqualTo(Status.WAITING);
  }
}
