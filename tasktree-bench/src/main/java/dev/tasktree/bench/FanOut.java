package dev.tasktree.bench;

import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.JsonlTraceWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The fan-out figure, run in its own JVM with a 512 MB heap: a traced Gather of N leaves that each
 * block for 50 ms. Prints {@code wallMillis peakHeapMb spans ok}.
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
      // A small warm-up run, so class loading is not counted.
      fanOut.run(items.subList(0, 1_000), options);
      writer.flush(Duration.ofMinutes(1));
      System.gc();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
      long start = System.nanoTime();
      Result result = fanOut.run(items, options);
      long wallMillis = (System.nanoTime() - start) / 1_000_000;
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      writer.flush(Duration.ofMinutes(2));
      System.out.println(
          wallMillis + " " + peak / (1024 * 1024) + " " + (2L * leaves + 2) + " " + result.isOk());
    }
  }
}
