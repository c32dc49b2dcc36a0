package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tasktree.ApprovalRejectedException;
import dev.tasktree.Result;
import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.ChildJvm;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Approvals across processes over a real Redis: a run in this JVM waits in an Approval watching a
 * {@link RedisStore}; a child JVM delivers the decision (approve with an edited value, reject) or
 * none (the approval times out into its fallback).
 */
class CrossProcessApprovalTest {

  private static final Duration JVM_START = Duration.ofSeconds(60);

  private String url;
  private String prefix;
  private TestRedis.Raw raw;
  private RedisStore store;
  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final List<ChildJvm> children = new ArrayList<>();
  private final List<RunHandle> runs = new ArrayList<>();

  @BeforeEach
  void connect() {
    url = TestRedis.url();
    prefix = TestRedis.uniquePrefix();
    raw = new TestRedis.Raw(url);
    store = RedisStore.builder(url).keyPrefix(prefix).pollInterval(Duration.ofMillis(50)).build();
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    runs.forEach(RunHandle::cancel);
    for (ChildJvm child : children) {
      child.close();
    }
    if (store != null) {
      store.close();
    }
    if (raw != null) {
      raw.deleteAll(prefix);
      raw.close();
    }
  }

  private RunHandle waiting(String key, Duration timeout) {
    Tree<Object> tree =
        Tree.named("Refund")
            .approval(b -> key, b -> "refund 20 EUR", timeout)
            .fallback()
            .call(() -> "escalated")
            .build();
    RunHandle run =
        tree.start(
            new Object(), RunOptions.defaults().withTraceSink(traces).withSignalStore(store));
    runs.add(run);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                traces.traceIds().contains(run.traceId())
                    && traces.trace(run.traceId()).spansOfKind("Approval").stream()
                        .anyMatch(s -> s.status() == Status.WAITING));
    return run;
  }

  private void decideInChild(String... args) throws InterruptedException {
    String[] all = new String[args.length + 2];
    all[0] = url;
    all[1] = prefix;
    System.arraycopy(args, 0, all, 2, args.length);
    ChildJvm child = ChildJvm.start(ApprovalChild.class, all);
    children.add(child);
    child.awaitLine("DELIVERED", JVM_START);
    assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
  }

  @Test
  void anApprovalFromAnotherJvmWithAnEditedValueFinishesTheRun() throws Exception {
    RunHandle run = waiting("refund:1", Duration.ofMinutes(5));
    decideInChild("refund:1", "approve", "ok, less", "\"refund 15 EUR\"");
    assertThat(run.result().get(20, TimeUnit.SECONDS)).isEqualTo(Result.ok("refund 15 EUR"));
    Span span = traces.trace(run.traceId()).spansOfKind("Approval").getFirst();
    assertThat(span.attribute(Attributes.APPROVAL_DECIDED_BY).asText()).isEqualTo("child-jvm");
    assertThat(span.attribute(Attributes.APPROVAL_EDITED).asBoolean()).isTrue();
  }

  @Test
  void aRejectionFromAnotherJvmFailsTheRunWithTheComment() throws Exception {
    RunHandle run = waiting("refund:2", Duration.ofMinutes(5));
    decideInChild("refund:2", "reject", "customer already refunded");
    Result result = run.result().get(20, TimeUnit.SECONDS);
    assertThat(result.data())
        .isInstanceOfSatisfying(
            ApprovalRejectedException.class,
            e -> assertThat(e.comment()).isEqualTo("customer already refunded"));
  }

  @Test
  void aDecisionRaisedInRedisBeforeTheRunStartsIsTakenAtOnce() throws Exception {
    decideInChild("refund:3", "approve", "pre-approved");
    Tree<Object> tree =
        Tree.named("Refund")
            .approval(b -> "refund:3", b -> "refund 20 EUR", Duration.ofMinutes(5))
            .build();
    assertThat(tree.run(new Object(), RunOptions.defaults().withSignalStore(store)))
        .isEqualTo(Result.ok("refund 20 EUR"));
  }

  @Test
  void withoutADecisionTheApprovalTimesOutIntoItsFallback() throws Exception {
    RunHandle run = waiting("refund:4", Duration.ofMillis(500));
    assertThat(run.result().get(20, TimeUnit.SECONDS)).isEqualTo(Result.ok("escalated"));
    Tree<Object> noFallback =
        Tree.named("Refund").approval(b -> "refund:5", b -> "x", Duration.ofMillis(300)).build();
    assertThat(noFallback.run(new Object(), RunOptions.defaults().withSignalStore(store)).data())
        .isInstanceOf(TimeoutException.class);
  }
}
