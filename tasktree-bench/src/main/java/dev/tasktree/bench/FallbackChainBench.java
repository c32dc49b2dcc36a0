package dev.tasktree.bench;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.Fallback;
import dev.failsafe.Timeout;
import dev.failsafe.function.CheckedSupplier;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A fallback chain of three alternatives, each under a one-second timeout that interrupts, the
 * first two failing at once: TaskTree's Selector of Timeouts against the same chain in Failsafe
 * (Fallback policies around interrupting Timeout policies).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FallbackChainBench {

  /** Failsafe's native failure: an exception (preallocated, so it costs Failsafe nothing). */
  static final class Unavailable extends RuntimeException {
    Unavailable() {
      super("unavailable", null, false, false);
    }
  }

  private static final Unavailable UNAVAILABLE = new Unavailable();
  private static final Duration LIMIT = Duration.ofSeconds(1);

  private Tree<Object> tree;
  private RunOptions options;
  private FailsafeExecutor<Object> failsafe;

  @Setup
  public void setUp() {
    tree =
        Tree.<Object>named("Chain")
            .selector()
            .timeout(LIMIT)
            .call(() -> Result.fail("primary unavailable"))
            .timeout(LIMIT)
            .call(() -> Result.fail("secondary unavailable"))
            .timeout(LIMIT)
            .call(() -> "tertiary answer")
            .end()
            .build();
    options = RunOptions.defaults();

    FailsafeExecutor<Object> third = Failsafe.with(timeout());
    FailsafeExecutor<Object> second =
        Failsafe.with(
                Fallback.<Object>of(
                    (CheckedSupplier<Object>) () -> third.get(() -> "tertiary answer")))
            .compose(timeout());
    failsafe =
        Failsafe.with(
                Fallback.<Object>of(
                    (CheckedSupplier<Object>)
                        () ->
                            second.get(
                                () -> {
                                  throw UNAVAILABLE;
                                })))
            .compose(timeout());
  }

  private static Timeout<Object> timeout() {
    return Timeout.<Object>builder(LIMIT).withInterrupt().build();
  }

  /** Runs per invocation of the virtual-caller benchmarks: one hand-off amortised over these. */
  static final int PER_VIRTUAL_CALLER = 100;

  @Benchmark
  public Object taskTree() {
    return tree.run(null, options).data();
  }

  /** The caller is a virtual thread (one started per {@value #PER_VIRTUAL_CALLER} runs). */
  @Benchmark
  @OperationsPerInvocation(PER_VIRTUAL_CALLER)
  public Object taskTreeFromVirtualThread() throws Exception {
    return onVirtualThread(() -> tree.run(null, options).data());
  }

  /** Failsafe's chain on a virtual thread per call: it frees the caller, as TaskTree does. */
  @Benchmark
  public Object failsafeOnVirtualThread() throws Exception {
    Object[] out = new Object[1];
    Thread thread = Thread.startVirtualThread(() -> out[0] = failsafeChain());
    thread.join();
    return out[0];
  }

  private static Object onVirtualThread(java.util.function.Supplier<Object> run)
      throws InterruptedException {
    Object[] out = new Object[1];
    Thread thread =
        Thread.startVirtualThread(
            () -> {
              for (int i = 0; i < PER_VIRTUAL_CALLER; i++) {
                out[0] = run.get();
              }
            });
    thread.join();
    return out[0];
  }

  private Object failsafeChain() {
    return failsafe.get(
        () -> {
          throw UNAVAILABLE;
        });
  }

  @Benchmark
  public Object failsafe() {
    return failsafeChain();
  }
}
