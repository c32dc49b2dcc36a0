package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tasktree.store.FileSignalStore;
import dev.tasktree.store.InMemorySignalStore;
import dev.tasktree.store.SignalStore;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Approval node, deciding from code in the same process: through the in-memory store and
 * through a {@link FileSignalStore} (what the trace server writes into), each rule a test.
 */
class ApprovalTest {

  @TempDir Path dir;
  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private SignalStore store;

  static Stream<Named<Function<Path, SignalStore>>> stores() {
    return Stream.of(
        Named.of("in-memory", p -> new InMemorySignalStore()),
        Named.of(
            "file",
            p ->
                new FileSignalStore(
                    p.resolve("signals"), Duration.ofMillis(20), java.time.Clock.systemUTC())));
  }

  @AfterEach
  void close() {
    if (store instanceof FileSignalStore file) {
      file.close();
    }
  }

  private RunOptions options(Function<Path, SignalStore> factory) {
    store = factory.apply(dir);
    return RunOptions.defaults().withTraceSink(traces).withSignalStore(store);
  }

  private static Tree<Board> publish(Duration timeout, boolean withFallback) {
    TreeBuilder<Board> b =
        Tree.<Board>named("Publish")
            .sequence()
            .call(bb -> bb.text = "draft for " + bb.value)
            .approval(bb -> "post:" + bb.value, bb -> bb.text, timeout);
    if (withFallback) {
      b.fallback().call(() -> "fallback ran");
    }
    return b.end().build();
  }

  private Span approvalSpan(RunHandle run) {
    return traces.trace(run.traceId()).spansOfKind("Approval").getFirst();
  }

  private void awaitWaiting(RunHandle run) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                traces.traceIds().contains(run.traceId())
                    && !traces.trace(run.traceId()).spansOfKind("Approval").isEmpty()
                    && approvalSpan(run).status() == Status.WAITING);
  }

  private static Board board(String id) {
    Board b = new Board();
    b.value = id;
    return b;
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anApprovalWaitsAsWaitingShowingTheProposalThenIsOkWithIt(Function<Path, SignalStore> f)
      throws Exception {
    RunHandle run = publish(Duration.ofMinutes(5), false).start(board("1"), options(f));
    awaitWaiting(run);
    Trace live = traces.trace(run.traceId());
    assertThat(live.summary().status()).isEqualTo(Status.WAITING);
    Span waiting = approvalSpan(run);
    assertThat(waiting.attribute(Attributes.APPROVAL_KEY).asText()).isEqualTo("post:1");
    assertThat(waiting.attribute(Attributes.APPROVAL_PROPOSAL).asText()).isEqualTo("draft for 1");
    assertThat(run.isDone()).isFalse();

    new Decision(true, "looks good", null, "ana", java.time.Instant.now()).deliver(store, "post:1");
    assertThat(run.result().get(10, TimeUnit.SECONDS)).isEqualTo(Result.ok("draft for 1"));
    Span done = approvalSpan(run);
    assertThat(done.status()).isEqualTo(Status.OK);
    assertThat(done.attribute(Attributes.APPROVAL_OUTCOME).asText()).isEqualTo("approved");
    // The key is an identifier the UI posts decisions to: never redacted for its name.
    assertThat(done.attribute(Attributes.APPROVAL_KEY).asText()).isEqualTo("post:1");
    assertThat(done.attribute(Attributes.APPROVAL_COMMENT).asText()).isEqualTo("looks good");
    assertThat(done.attribute(Attributes.APPROVAL_DECIDED_BY).asText()).isEqualTo("ana");
    assertThat(traces.trace(run.traceId()).summary().status()).isEqualTo(Status.OK);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aDecisionDeliveredBeforeTheNodeStartsCountsAndStays(Function<Path, SignalStore> f) {
    RunOptions options = options(f);
    Decision.approve().deliver(store, "post:2");
    Result result = publish(Duration.ofMinutes(5), false).run(board("2"), options);
    assertThat(result).isEqualTo(Result.ok("draft for 2"));
    // Never shown as waiting: it was decided already.
    assertThat(traces.last().spansOfKind("Approval").getFirst().status()).isEqualTo(Status.OK);
    assertThat(store.check(Decision.signalKey("post:2"))).isPresent();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anEditedValueReplacesTheProposalConvertedToItsType(Function<Path, SignalStore> f) {
    RunOptions options = options(f);
    Decision.approveWith(JsonNodeFactory.instance.textNode("edited draft"))
        .deliver(store, "post:3");
    Result result = publish(Duration.ofMinutes(5), false).run(board("3"), options);
    assertThat(result).isEqualTo(Result.ok("edited draft"));
    Span span = traces.last().spansOfKind("Approval").getFirst();
    assertThat(span.attribute(Attributes.APPROVAL_EDITED).asBoolean()).isTrue();
  }

  @Test
  void anEditedValueThatDoesNotFitTheProposalsTypeFailsAndIsNeverAnApproval() {
    RunOptions options = options(p -> new InMemorySignalStore());
    Tree<Board> tree =
        Tree.<Board>named("Count").approval(b -> "count", b -> 41, Duration.ofMinutes(1)).build();
    Decision.approveWith(JsonNodeFactory.instance.textNode("not a number")).deliver(store, "count");
    Result result = tree.run(new Board(), options);
    assertThat(result.isOk()).isFalse();
    assertThat(result.data())
        .isInstanceOfSatisfying(
            IllegalArgumentException.class,
            e -> assertThat(e.getMessage()).contains("does not fit the proposal's type"));
    Decision.approveWith(JsonNodeFactory.instance.numberNode(42)).deliver(store, "count");
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok(42));
  }

  @Test
  void anEditedMapProposalBecomesAMap() {
    RunOptions options = options(p -> new InMemorySignalStore());
    Tree<Board> tree =
        Tree.<Board>named("Map")
            .approval(b -> "m", b -> java.util.Map.of("title", "Hello"), Duration.ofMinutes(1))
            .build();
    Decision.approveWith(
            JsonNodeFactory.instance.objectNode().put("title", "Edited").put("tags", 2))
        .deliver(store, "m");
    assertThat(tree.run(new Board(), options))
        .isEqualTo(Result.ok(java.util.Map.of("title", "Edited", "tags", 2)));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aRejectionFailsWithTheCommentAndDoesNotRunTheFallback(Function<Path, SignalStore> f)
      throws Exception {
    RunHandle run = publish(Duration.ofMinutes(5), true).start(board("4"), options(f));
    awaitWaiting(run);
    Decision.reject("tone is off").deliver(store, "post:4");
    Result result = run.result().get(10, TimeUnit.SECONDS);
    assertThat(result.isOk()).isFalse();
    assertThat(result.data())
        .isInstanceOfSatisfying(
            ApprovalRejectedException.class,
            e -> {
              assertThat(e.comment()).isEqualTo("tone is off");
              assertThat(e.approvalKey()).isEqualTo("post:4");
              assertThat(e.getMessage()).contains("rejected").contains("tone is off");
            });
    assertThat(traces.trace(run.traceId()).spansOfKind("Call"))
        .noneMatch(s -> "fallback ran".equals(s.data().asText()));
    assertThat(approvalSpan(run).attribute(Attributes.APPROVAL_OUTCOME).asText())
        .isEqualTo("rejected");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void noDecisionInTimeRunsTheFallbackOrFailsWithATimeout(Function<Path, SignalStore> f) {
    RunOptions options = options(f);
    Result withFallback = publish(Duration.ofMillis(200), true).run(board("5"), options);
    assertThat(withFallback).isEqualTo(Result.ok("fallback ran"));
    assertThat(
            traces
                .last()
                .spansOfKind("Approval")
                .getFirst()
                .attribute(Attributes.APPROVAL_OUTCOME)
                .asText())
        .isEqualTo("timed_out");
    Result without = publish(Duration.ofMillis(200), false).run(board("6"), options);
    assertThat(without.data())
        .isInstanceOfSatisfying(
            TimeoutException.class, e -> assertThat(e.getMessage()).contains("post:6"));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aMalformedDecisionIsAWarningNeverAnApproval(Function<Path, SignalStore> f) throws Exception {
    RunHandle run = publish(Duration.ofMinutes(5), false).start(board("7"), options(f));
    awaitWaiting(run);
    store.raise(Decision.signalKey("post:7"), "{\"approved\":\"yes\"}", Duration.ofMinutes(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                approvalSpan(run).logs().stream()
                    .anyMatch(l -> l.message().contains("malformed decision")));
    assertThat(run.isDone()).isFalse();
    assertThat(approvalSpan(run).status()).isEqualTo(Status.WAITING);
    Decision.approve().deliver(store, "post:7");
    assertThat(run.result().get(10, TimeUnit.SECONDS)).isEqualTo(Result.ok("draft for 7"));
  }

  @Test
  void aTerminableAroundAWaitingApprovalStopsItAndItsHooksFinish() throws Exception {
    RunOptions options = options(p -> new InMemorySignalStore());
    AtomicBoolean hookDone = new AtomicBoolean();
    java.util.concurrent.CountDownLatch registered = new java.util.concurrent.CountDownLatch(1);
    Tree<Board> tree =
        Tree.<Board>named("Stop")
            .terminable(b -> "stop")
            .parallel()
            .call(
                (Board b, dev.tasktree.spi.NodeContext ctx) -> {
                  ctx.onCancel(() -> hookDone.set(true));
                  registered.countDown();
                  new java.util.concurrent.CountDownLatch(1).await();
                  return "never";
                })
            .approval(b -> "k", b -> "p", Duration.ofMinutes(5))
            .end()
            .fallback()
            .call(() -> "stopped")
            .build();
    RunHandle run = tree.start(new Board(), options);
    awaitWaiting(run);
    assertThat(registered.await(10, TimeUnit.SECONDS)).isTrue(); // the sibling is running too
    store.raise("stop", "operator", Duration.ofMinutes(1));
    assertThat(run.result().get(10, TimeUnit.SECONDS)).isEqualTo(Result.ok("stopped"));
    assertThat(hookDone).isTrue();
    assertThat(approvalSpan(run).status()).isEqualTo(Status.CANCELLED);
  }

  @Test
  void aTimeoutAroundAWaitingApprovalCutsItShort() {
    RunOptions options = options(p -> new InMemorySignalStore());
    Tree<Board> tree =
        Tree.<Board>named("Deadline")
            .timeout(Duration.ofMillis(200))
            .approval(b -> "k2", b -> "p", Duration.ofMinutes(5))
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result.data()).isInstanceOf(TimeoutException.class);
    assertThat(traces.last().spansOfKind("Approval").getFirst().status())
        .isEqualTo(Status.CANCELLED);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aSuspendingRunEndsWaitingAtOnceAndARunAfterTheDecisionTakesIt(
      Function<Path, SignalStore> f) {
    RunOptions options = options(f).suspendOnApproval();
    AtomicBoolean after = new AtomicBoolean();
    Tree<Board> tree =
        Tree.<Board>named("Suspend")
            .sequence()
            .approval(b -> "job:8", b -> "plan", Duration.ofDays(7))
            .call(() -> after.getAndSet(true))
            .end()
            .build();
    Result suspended = tree.run(new Board(), options);
    assertThat(suspended.isOk()).isFalse();
    assertThat(suspended.data())
        .isInstanceOfSatisfying(
            SuspendedException.class,
            e -> {
              assertThat(e.approvalKey()).isEqualTo("job:8");
              assertThat(e).isInstanceOf(CancellationException.class);
            });
    assertThat(after).isFalse();
    Trace trace = traces.last();
    assertThat(trace.summary().status()).isEqualTo(Status.WAITING);
    assertThat(trace.roots().getFirst().status()).isEqualTo(Status.WAITING);
    assertThat(trace.spansOfKind("Approval").getFirst().status()).isEqualTo(Status.WAITING);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();

    Decision.approve().deliver(store, "job:8");
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok(false));
    assertThat(after).isTrue();
  }

  @Test
  void anApprovalSuspendingInsideForksStopsTheWholeRunAndItsHooksFinish() {
    RunOptions options = options(p -> new InMemorySignalStore()).suspendOnApproval();
    AtomicBoolean hookDone = new AtomicBoolean();
    AtomicBoolean after = new AtomicBoolean();
    // the approval suspends only once its sibling is running with its hook registered: a sibling
    // the suspension cancels before it starts never runs, so has no hook to finish
    java.util.concurrent.CountDownLatch registered = new java.util.concurrent.CountDownLatch(1);
    Tree<Board> tree =
        Tree.<Board>named("Forked")
            .sequence()
            .timeout(Duration.ofMinutes(1))
            .parallel()
            .call(
                (Board b, dev.tasktree.spi.NodeContext ctx) -> {
                  ctx.onCancel(() -> hookDone.set(true));
                  registered.countDown();
                  new java.util.concurrent.CountDownLatch(1).await();
                  return "never";
                })
            .approval(
                b -> "forked",
                b -> {
                  try {
                    registered.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return "p";
                },
                Duration.ofMinutes(5))
            .end()
            .call(() -> after.getAndSet(true))
            .end()
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result.data()).isInstanceOf(SuspendedException.class);
    assertThat(hookDone).isTrue();
    assertThat(after).isFalse();
    Trace trace = traces.last();
    assertThat(trace.summary().status()).isEqualTo(Status.WAITING);
    assertThat(trace.spansOfKind("Approval").getFirst().status()).isEqualTo(Status.WAITING);
    assertThat(trace.spansOfKind("Call").getFirst().status()).isEqualTo(Status.CANCELLED);
  }

  @Test
  void aWaitingRunReadsAsWaitingFromItsTraceFileAndItsEndAsOk() throws Exception {
    Path traceDir = dir.resolve("traces");
    FileSignalStore signals = FileSignalStore.inTraceDir(traceDir);
    store = signals;
    RunOptions options = RunOptions.defaults().withTraceDir(traceDir).withSignalStore(signals);
    RunHandle run = publish(Duration.ofMinutes(5), false).start(board("9"), options);
    Path file = traceDir.resolve(run.traceId() + ".jsonl");
    TraceReader reader = new TraceReader();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(file) && reader.read(file).summary().status() == Status.WAITING);
    Span span = reader.read(file).spansOfKind("Approval").getFirst();
    assertThat(span.status()).isEqualTo(Status.WAITING);
    assertThat(span.attribute(Attributes.APPROVAL_PROPOSAL).asText()).isEqualTo("draft for 9");
    assertThat(signals.directory()).isEqualTo(traceDir.resolve("signals").toAbsolutePath());
    Decision.approve().deliver(signals, "post:9");
    assertThat(run.result().get(10, TimeUnit.SECONDS).isOk()).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> reader.read(file).summary().status() == Status.OK);
  }
}
