package dev.tasktree.trace;

import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.TreeBuilder;
import java.nio.file.Path;

/** Child JVM for {@link KillDuringRunTest}: a long run that announces each finished step. */
public final class TraceWritingChild {

  private TraceWritingChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    TreeBuilder<Object> builder = Tree.<Object>named("Doomed").sequence();
    for (int i = 0; i < 10_000; i++) {
      int step = i;
      builder
          .name("step-" + step)
          .call(
              b -> {
                // Announces that step-(n-1) has ended (its end event was emitted before this ran).
                System.out.println("RUNNING " + step);
                System.out.flush();
                Thread.sleep(10);
                return step;
              });
    }
    Tree<Object> tree = builder.end().build();
    var run = tree.start(new Object(), RunOptions.defaults().withTraceDir(dir));
    System.out.println("TRACE " + run.traceId());
    System.out.flush();
    try {
      run.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
