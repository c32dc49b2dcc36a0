package dev.tasktree.bench;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.JsonlTraceWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The fan-out figure, run in its own JVM with a 512 MB heap: a traced Gather of N leaves that each
 * block for 50 ms. One full-size run warms the JIT up; then the median wall time of three runs and
 * the peak heap over them are printed: {@code wallMillis peakHeapMb spans ok}.
 */
public final class FanOut {

  private FanOut() {}

  public static void main(String[] args) throws Exception {
    int leaves = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    Tree<Integer> leaf =
        Tree.<Integer>named("Leaf")
            .call(
                i -> {
                  Thread.sleep(50);
                  return i;
                })
            .build();
    Tree<List<Integer>> fanOut =
        Tree.<List<Integer>>named("FanOut").gather(items -> items, leaf).build();
    List<Integer> items = IntStream.range(0, leaves).boxed().toList();
    try (JsonlTraceWriter writer =
        JsonlTraceWriter.open(dir, Duration.ofMillis(25), Duration.ofSeconds(2))) {
      RunOptions options = RunOptions.defaults().withTraceSink(writer);
      // A full-size warm-up run: class loading and JIT compilation are not what is measured.
      fanOut.run(items, options);
      writer.flush(Duration.ofMinutes(1));
      System.gc();
      // The heap's total use, sampled every millisecond: per-pool peaks happen at different
      // moments, so their sum would overstate it.
      java.util.concurrent.atomic.AtomicLong peakUsed =
          new java.util.concurrent.atomic.AtomicLong();
      Thread sampler =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    var memory = ManagementFactory.getMemoryMXBean();
                    while (!Thread.currentThread().isInterrupted()) {
                      peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                  });
      long[] walls = new long[3];
      boolean ok = true;
      for (int i = 0; i < walls.length; i++) {
        long start = System.nanoTime();
        Result result = fanOut.run(items, options);
        walls[i] = (System.nanoTime() - start) / 1_000_000;
        ok &= result.isOk();
        writer.flush(Duration.ofMinutes(2));
      }
      sampler.interrupt();
      java.util.Arrays.sort(walls);
      long wallMillis = walls[1];
      long peak = peakUsed.get();
      writer.flush(Duration.ofMinutes(2));
      System.out.println(
          wallMillis + " " + peak / (1024 * 1024) + " " + (2L * leaves + 2) + " " + ok);
    }
  }
}
