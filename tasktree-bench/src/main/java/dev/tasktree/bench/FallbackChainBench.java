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

  @Benchmark
  public Object taskTree() {
    return tree.run(null, options).data();
  }

  @Benchmark
  public Object failsafe() {
    return failsafe.get(
        () -> {
          throw UNAVAILABLE;
        });
  }
}
