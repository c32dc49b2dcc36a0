package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.spi.NodeContext;
import dev.tasktree.store.InMemorySignalStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN §3: whichever thread raises a cancel, every {@code onCancel} hook of the cancelled subtree
 * has finished before the cancelling node returns to its parent. Each run puts hooks at depths 2 to
 * 5 under the cancelling node (inside sequences, a Parallel and a nested Timeout), raises the
 * cancel from another thread, and records — in the node that runs right after the cancelling node
 * returned to its Selector — how many hooks had finished. Many runs, because the defect was a race:
 * before the fix 53/200 runs with 2 ms hooks and 1/200 with instant hooks saw unfinished hooks.
 */
class CancelHooksFinishTest {

  private static final int RUNS = 200;
  private static final int HOOKS = 4;

  /**
   * Long enough that no child is abandoned on a loaded machine: the rule's one exception (the grace
   * expired) never applies, so every unfinished hook is the defect.
   */
  private static final RunOptions OPTIONS =
      RunOptions.defaults().withCancelGrace(Duration.ofSeconds(30));

  /** One run's probe: the leaves count in, the hooks count out. */
  private static final class Probe {
    final CountDownLatch armed = new CountDownLatch(HOOKS);
    final AtomicInteger registered = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    volatile int unfinishedWhenReturned = -1;

    /** Hooks registered but not finished, recorded at the moment the cancelling node returned. */
    void recordReturn() {
      unfinishedWhenReturned = registered.get() - finished.get();
    }
  }

  /** A leaf that registers a hook taking {@code hookMillis}, then blocks until cancelled. */
  private static Object hookedLeaf(NodeContext ctx, Probe probe, int hookMillis)
      throws InterruptedException {
    probe.registered.incrementAndGet();
    ctx.onCancel(
        () -> {
          if (hookMillis > 0) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hookMillis);
            while (System.nanoTime() < until) {
              Thread.onSpinWait(); // a hook doing work (ignores interruption, as cleanup may)
            }
          }
          probe.finished.incrementAndGet();
        });
    probe.armed.countDown();
    new CountDownLatch(1).await();
    return "never";
  }

  /** Hooks at depths 2, 3, 4 and 5 below the cancelling node's child. */
  private static TreeBuilder<Probe> subtree(TreeBuilder<Probe> b, int hookMillis) {
    // spotless:off
    return b.parallel()
        .call((p, ctx) -> hookedLeaf(ctx, p, hookMillis))
        .sequence()
          .call((p, ctx) -> hookedLeaf(ctx, p, hookMillis))
        .end()
        .sequence()
          .sequence()
            .call((p, ctx) -> hookedLeaf(ctx, p, hookMillis))
          .end()
        .end()
        .timeout(Duration.ofMinutes(5))
          .sequence()
            .sequence()
              .call((p, ctx) -> hookedLeaf(ctx, p, hookMillis))
            .end()
          .end()
      .end();
    // spotless:on
  }

  /** Selector > [cancelling node > subtree, witness]: the witness runs once the node returned. */
  private static Tree<Probe> tree(
      Consumer<TreeBuilder<Probe>> cancellingNode, int hookMillis, TreeBuilder<Probe> root) {
    root.selector();
    cancellingNode.accept(root);
    subtree(root, hookMillis);
    return root.call(
            p -> {
              p.recordReturn();
              return "witness";
            })
        .end()
        .build();
  }

  private static List<Integer> runMany(
      Tree<Probe> tree, RunOptions options, Consumer<Probe> raiseFromAnotherThread)
      throws Exception {
    List<Integer> unfinished = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      Probe probe = new Probe();
      RunHandle handle = tree.start(probe, options);
      assertThat(probe.armed.await(10, TimeUnit.SECONDS)).isTrue();
      Thread raiser = Thread.ofPlatform().start(() -> raiseFromAnotherThread.accept(probe));
      Result result = handle.await(Duration.ofSeconds(10)).orElseThrow();
      raiser.join();
      assertThat(result).isEqualTo(Result.ok("witness"));
      if (probe.unfinishedWhenReturned != 0) {
        unfinished.add(probe.unfinishedWhenReturned);
      }
    }
    return unfinished;
  }

  @ParameterizedTest(name = "hooks taking {0} ms")
  @ValueSource(ints = {0, 2})
  void terminableSignalledFromAnotherThreadWaitsForEveryHook(int hookMillis) throws Exception {
    InMemorySignalStore signals = new InMemorySignalStore();
    Tree<Probe> tree =
        tree(
            b -> b.terminable(p -> "stop-" + System.identityHashCode(p)),
            hookMillis,
            Tree.named("Terminable hooks"));
    List<Integer> unfinished =
        runMany(
            tree,
            OPTIONS.withSignalStore(signals),
            p -> {
              signals.raise("stop-" + System.identityHashCode(p), "stop", Duration.ofMinutes(1));
            });
    assertThat(unfinished).as("runs where the Terminable returned before its hooks").hasSize(0);
  }

  @ParameterizedTest(name = "hooks taking {0} ms")
  @ValueSource(ints = {0, 2})
  void raceWinnerOnAnotherThreadWaitsForTheLosersHooks(int hookMillis) {
    // The winner finishes on its own thread once every hook is armed and cancels the losers.
    Tree<Probe> tree = raceTree(hookMillis);
    List<Integer> unfinished = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      Probe probe = new Probe();
      assertThat(tree.run(probe, OPTIONS)).isEqualTo(Result.ok("witness"));
      if (probe.unfinishedWhenReturned != 0) {
        unfinished.add(probe.unfinishedWhenReturned);
      }
    }
    assertThat(unfinished).as("runs where the Race returned before the losers' hooks").hasSize(0);
  }

  @ParameterizedTest(name = "hooks taking {0} ms")
  @ValueSource(ints = {0, 2})
  void timeoutWaitsForEveryHook(int hookMillis) {
    Tree<Probe> tree =
        tree(b -> b.timeout(Duration.ofMillis(20)), hookMillis, Tree.named("Timeout hooks"));
    List<Integer> unfinished = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      Probe probe = new Probe();
      assertThat(tree.run(probe, OPTIONS)).isEqualTo(Result.ok("witness"));
      if (probe.unfinishedWhenReturned != 0) {
        unfinished.add(probe.unfinishedWhenReturned);
      }
    }
    assertThat(unfinished).as("runs where the Timeout returned before its hooks").hasSize(0);
  }

  /** Selector > [Sequence > [Race > [winner, subtree], fail], witness]. */
  private static Tree<Probe> raceTree(int hookMillis) {
    TreeBuilder<Probe> b = Tree.<Probe>named("Race hooks").selector().sequence().race();
    b.call(
        p -> {
          p.armed.await();
          return "won";
        });
    subtree(b, hookMillis);
    return b.end()
        .call(
            p -> {
              p.recordReturn();
              return Result.fail("recorded");
            })
        .end()
        .call(p -> "witness")
        .end()
        .build();
  }

  @ParameterizedTest(name = "hooks taking {0} ms")
  @ValueSource(ints = {0, 2})
  void runCancelledFromAnotherThreadEndsAfterEveryHook(int hookMillis) throws Exception {
    Tree<Probe> tree = subtree(Tree.named("Run hooks"), hookMillis).build();
    List<Integer> unfinished = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      Probe probe = new Probe();
      RunHandle handle = tree.start(probe, OPTIONS);
      // Runs on the thread that completes the run, at the moment it does.
      CompletableFuture<Void> recorded = handle.result().thenRun(probe::recordReturn);
      assertThat(probe.armed.await(10, TimeUnit.SECONDS)).isTrue();
      Thread.ofPlatform().start(handle::cancel);
      Result result = handle.await(Duration.ofSeconds(10)).orElseThrow();
      recorded.get(10, TimeUnit.SECONDS);
      assertThat(result.isOk()).isFalse();
      if (probe.unfinishedWhenReturned != 0) {
        unfinished.add(probe.unfinishedWhenReturned);
      }
    }
    assertThat(unfinished).as("runs that ended before their hooks").hasSize(0);
  }
}
