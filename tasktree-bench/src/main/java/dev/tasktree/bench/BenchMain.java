package dev.tasktree.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the whole suite and prints one table: figure, value, baseline, ratio, goal, met.
 *
 * <pre>
 * java -jar tasktree-bench/target/tasktree-bench.jar           # full run, under 10 minutes
 * java -jar tasktree-bench/target/tasktree-bench.jar --quick   # smoke run, under 2 minutes
 * </pre>
 */
public final class BenchMain {

  private BenchMain() {}

  /** One part of the suite; a failure is reported in the table, not thrown. */
  @FunctionalInterface
  interface Section {
    void run(Report report, boolean quick) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    Report report = new Report();
    long start = System.nanoTime();
    run("per-node overhead", BenchMain::nodeOverhead, report, quick);
    run("fallback chain", BenchMain::fallbackChain, report, quick);
    run("fan-out", BenchMain::fanOut, report, quick);
    run("trace write throughput", BenchMain::traceThroughput, report, quick);
    run("trace server", ServerFigures::run, report, quick);
    run("UI (headless Chromium)", UiFigures::run, report, quick);
    run("LLM node", LlmFigures::run, report, quick);
    run("Redis", RedisFigures::run, report, quick);
    run("fleet resilience", ResilienceFigures::run, report, quick);
    run("durable runs", DurableFigures::run, report, quick);
    run("durable runs, Redis journal", DurableRedisFigures::run, report, quick);
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "TaskTree benchmarks (%s mode, JDK %s, %d cores, %.0f s)%n%n",
        quick ? "quick" : "full",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        (System.nanoTime() - start) / 1e9);
    report.print(System.out);
  }

  /** {@code -Donly=NAME} runs only the sections whose name contains NAME. */
  private static final String ONLY = System.getProperty("only");

  private static void run(String name, Section section, Report report, boolean quick) {
    if (ONLY != null && !name.contains(ONLY)) {
      return;
    }
    System.err.println("running: " + name);
    try {
      section.run(report, quick);
    } catch (Exception | Error e) {
      report.add(new Figure(name, "error", "—", "—", "—", "NO: " + e));
    }
  }

  static void nodeOverhead(Report report, boolean quick) throws Exception {
    Map<String, Double> us = Jmh.run(NodeOverheadBench.class, quick);
    double loop = us.get("plainLoop");
    double untraced = us.get("treeUntraced");
    double traced = us.get("treeTracedToJsonl");
    double otel = us.get("treeTracedToOtel");
    double both = us.get("treeTracedToJsonlAndOtel");
    double perNode = perNode(untraced, loop);
    double tracedPerNode = perNode(traced, untraced);
    double otelPerNode = perNode(otel, untraced);
    double bothPerNode = perNode(both, untraced);
    report.add(
        perNodeFigure(
            "per-node overhead, tracing off (Sequence of 1,000 calls)",
            perNode,
            untraced,
            f("plain loop %.1f µs/run", loop),
            f("%.1f×", untraced / loop),
            "≤ 0.2 µs/node above baseline",
            perNode <= 0.2));
    report.add(
        perNodeFigure(
            "per-node overhead, tracing to JSONL",
            tracedPerNode,
            traced,
            f("tracing off %.1f µs/run", untraced),
            f("%.1f×", traced / untraced),
            "≤ 1 µs/node",
            tracedPerNode <= 1));
    report.add(
        perNodeFigure(
            "per-node overhead, tracing to OpenTelemetry (SDK, discarding exporter)",
            otelPerNode,
            otel,
            f("tracing off %.1f µs/run; JSONL %.3f µs/node", untraced, tracedPerNode),
            f("%.1f× JSONL's per-node cost", otelPerNode / tracedPerNode),
            "≤ 5 µs/node",
            otelPerNode <= 5));
    report.add(
        perNodeFigure(
            "per-node overhead, JSONL and OpenTelemetry at once",
            bothPerNode,
            both,
            f("tracing off %.1f µs/run", untraced),
            f("%.1f×", both / untraced),
            "≤ JSONL + OTel alone + 0.5 µs/node",
            bothPerNode <= tracedPerNode + otelPerNode + 0.5));
  }

  /** What each of the run's nodes adds: µs per run over the baseline's, per leaf of the bench. */
  private static double perNode(double usPerRun, double baselineUsPerRun) {
    return (usPerRun - baselineUsPerRun) / NodeOverheadBench.LEAVES;
  }

  private static Figure perNodeFigure(
      String name,
      double perNode,
      double usPerRun,
      String baseline,
      String ratio,
      String goal,
      boolean met) {
    return new Figure(
        name,
        f("%.3f µs/node (%.1f µs/run)", perNode, usPerRun),
        baseline,
        ratio,
        goal,
        Figure.yesNo(met));
  }

  static void fallbackChain(Report report, boolean quick) throws Exception {
    Map<String, Double> us = Jmh.run(FallbackChainBench.class, quick);
    double ours = us.get("taskTree");
    double oursVirtual = us.get("taskTreeFromVirtualThread");
    double failsafe = us.get("failsafe");
    double failsafeVirtual = us.get("failsafeOnVirtualThread");
    report.add(
        new Figure(
            "fallback chain, 3 alternatives with Timeout, 2 failing fast, caller on a platform thread",
            f("%.2f µs", ours),
            f("Failsafe on a virtual thread %.2f µs", failsafeVirtual),
            f("%.2f×", ours / failsafeVirtual),
            "≤ 1.0× Failsafe on a virtual thread",
            Figure.yesNo(ours / failsafeVirtual <= 1.0)));
    report.add(
        new Figure(
            "fallback chain, 3 alternatives with Timeout, 2 failing fast, caller on a virtual thread",
            f("%.2f µs", oursVirtual),
            f("Failsafe sync %.2f µs", failsafe),
            f("%.2f×", oursVirtual / failsafe),
            "≤ 1.5× Failsafe sync",
            Figure.yesNo(oursVirtual / failsafe <= 1.5)));
  }

  static void fanOut(Report report, boolean quick) throws Exception {
    int leaves = quick ? 20_000 : 100_000;
    Path dir = Files.createTempDirectory("tasktree-bench-fanout");
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-Xms512m", "-Xmx512m", "-cp", System.getProperty("java.class.path")));
      command.addAll(List.of(FanOut.class.getName(), Integer.toString(leaves), dir.toString()));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String last = "";
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          last = line;
        }
      }
      if (process.waitFor() != 0) {
        throw new IllegalStateException("fan-out JVM failed: " + last);
      }
      String[] parts = last.trim().split(" ");
      long wall = Long.parseLong(parts[0]);
      long heap = Long.parseLong(parts[1]);
      report.add(
          new Figure(
              f("fan-out: Gather of %,d leaves blocking 50 ms, traced (-Xmx512m)", leaves),
              f("wall %d ms (median of 3), peak heap %d MB", wall, heap),
              "50 ms",
              f("%.1f×", wall / 50.0),
              "wall ≤ 1.0 s; heap ≤ 512 MB",
              Figure.yesNo(wall <= 1_000 && heap <= 512 && Boolean.parseBoolean(parts[3]))));
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  static void traceThroughput(Report report, boolean quick) throws Exception {
    double[] measured = TraceThroughput.measure(quick ? 200 : 1_000);
    report.add(
        new Figure(
            "trace write throughput (JSONL, end to end)",
            f("%,.0f spans/s, %.0f bytes/span", measured[0], measured[1]),
            "—",
            "—",
            "≥ 500,000 spans/s",
            Figure.yesNo(measured[0] >= 500_000)));
  }

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
