package dev.tasktree.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Runs one JMH benchmark class in a forked JVM and returns each method's mean score. */
final class Jmh {

  private Jmh() {}

  static Map<String, Double> run(Class<?> benchmark, boolean quick) throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(benchmark.getName() + "\\.")
            .forks(1)
            .warmupIterations(quick ? 2 : 4)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 3 : 6)
            .measurementTime(TimeValue.seconds(quick ? 1 : 2))
            .jvmArgsAppend("-Xms1g", "-Xmx1g")
            .verbosity(VerboseMode.SILENT)
            .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, Double> scores = new HashMap<>();
    for (RunResult result : results) {
      String method = result.getParams().getBenchmark();
      scores.put(
          method.substring(method.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
    }
    return scores;
  }
}
