package dev.tasktree.bench;

import static dev.tasktree.bench.BenchMain.f;

import com.sun.net.httpserver.HttpServer;
import dev.tasktree.CircuitBreaker;
import dev.tasktree.HedgePolicy;
import dev.tasktree.RateLimiter;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.redis.RedisStore;
import dev.tasktree.store.InMemoryBreakerStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet-resilience figures, each against a baseline in the same run: an open breaker's refusal
 * and a closed breaker's overhead against a bare call, a Redis limiter acquire against a raw
 * lettuce round trip, and a Hedge's p99 against unhedged calls to a lognormal-latency server on
 * loopback.
 */
final class ResilienceFigures {

  private static final String LIMITER = "Redis rate-limiter acquire vs raw lettuce GET";
  private static final String LIMITER_GOAL = "≤ 1.5×";

  private ResilienceFigures() {}

  /**
   * Runs only these figures ({@code --quick} for a smoke run); BenchMain runs them with the rest.
   */
  public static void main(String[] args) throws Exception {
    Report report = new Report();
    run(report, java.util.Arrays.asList(args).contains("--quick"));
    report.print(System.out);
  }

  static void run(Report report, boolean quick) throws Exception {
    breaker(report, quick);
    hedge(report, quick);
    limiter(report, quick);
  }

  /**
   * Median nanoseconds of one {@code tree.run} of each tree, measured in batches (timer cost
   * amortised) that take turns, so warm-up and drift hit every tree alike.
   */
  private static double[] perRunNanos(List<Tree<Object>> trees, int batches, int perBatch) {
    RunOptions options = RunOptions.defaults();
    long[][] samples = new long[trees.size()][batches];
    for (int b = -batches; b < batches; b++) { // the first half warms up
      for (int t = 0; t < trees.size(); t++) {
        Tree<Object> tree = trees.get((t + Math.floorMod(b, trees.size())) % trees.size());
        int index = trees.indexOf(tree);
        long t0 = System.nanoTime();
        for (int i = 0; i < perBatch; i++) {
          tree.run(null, options);
        }
        if (b >= 0) {
          samples[index][b] = (System.nanoTime() - t0) / perBatch;
        }
      }
    }
    double[] medians = new double[trees.size()];
    for (int t = 0; t < trees.size(); t++) {
      medians[t] = Samples.of(samples[t]).medianNanos();
    }
    return medians;
  }

  private static void breaker(Report report, boolean quick) {
    int batches = quick ? 40 : 200;
    int perBatch = 2_000;
    CircuitBreaker open =
        CircuitBreaker.named("bench-open-" + UUID.randomUUID())
            .consecutiveFailures(1)
            .noFailureRate()
            .cooldown(Duration.ofHours(1))
            .store(new InMemoryBreakerStore())
            .build();
    Tree<Object> failing = Tree.named("Trip").breaker(open).failure(b -> "down").build();
    failing.run(null, RunOptions.defaults()); // opens it
    Tree<Object> refused =
        Tree.named("Refused").selector().breaker(open).call(b -> "x").call(b -> "y").end().build();
    Tree<Object> bare = Tree.named("Bare").call(b -> "x").build();
    CircuitBreaker closed =
        CircuitBreaker.named("bench-closed-" + UUID.randomUUID())
            .consecutiveFailures(1_000_000)
            .noFailureRate()
            .store(new InMemoryBreakerStore())
            .build();
    Tree<Object> guarded = Tree.named("Guarded").breaker(closed).call(b -> "x").build();
    // the same shape with a pass-through decorator: what the breaker adds beyond being a node
    Tree<Object> wrapped =
        Tree.named("Wrapped").wrap((b, ctx, child) -> child.run()).call(b -> "x").build();
    double[] nanos = perRunNanos(List.of(bare, refused, guarded, wrapped), batches, perBatch);
    double bareNanos = nanos[0];
    double refusedNanos = nanos[1];
    double guardedNanos = nanos[2];
    double wrappedNanos = nanos[3];
    double refusalMicros = Math.max(0, refusedNanos - bareNanos) / 1_000;
    report.add(
        new Figure(
            "open breaker: refusal + Selector fall-through, above a bare call",
            f("%.2f µs", refusalMicros),
            f("bare call tree %.2f µs", bareNanos / 1_000),
            f("%.1f×", refusedNanos / bareNanos),
            "≤ 5 µs",
            Figure.yesNo(refusalMicros <= 5)));
    double overheadMicros = Math.max(0, guardedNanos - wrappedNanos) / 1_000;
    report.add(
        new Figure(
            "closed breaker: overhead per call above a pass-through Wrap (in-memory store)",
            f("%.2f µs", overheadMicros),
            f("Wrap over the call %.2f µs", wrappedNanos / 1_000),
            f("%.2f×", guardedNanos / wrappedNanos),
            "≤ 1 µs",
            Figure.yesNo(overheadMicros <= 1)));
  }

  /**
   * A loopback server whose answer times are lognormal: median 20 ms, sigma 1.5 (p92 ≈ 165 ms, p99
   * ≈ 650 ms), a long tail like an LLM provider's, so the distribution, not this machine's
   * scheduling noise, makes the p99.
   */
  private static final class LognormalServer implements AutoCloseable {
    final HttpServer server;
    final AtomicLong requests = new AtomicLong();

    LognormalServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext(
          "/",
          exchange -> {
            requests.incrementAndGet();
            double gaussian = ThreadLocalRandom.current().nextGaussian();
            long micros = (long) (20_000 * Math.exp(1.5 * gaussian));
            try {
              Thread.sleep(Duration.ofNanos(micros * 1_000));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            byte[] body = "ok".getBytes();
            try {
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            } catch (IOException aborted) {
              // the client cancelled this attempt (a hedge won): nothing to answer
            }
          });
      server.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static void hedge(Report report, boolean quick) throws Exception {
    int runs = quick ? 300 : 1_200;
    try (LognormalServer server = new LognormalServer();
        HttpClient http = HttpClient.newHttpClient()) {
      HttpRequest request = HttpRequest.newBuilder(server.uri()).build();
      Tree<Object> plain =
          Tree.named("Plain")
              .call(b -> http.send(request, HttpResponse.BodyHandlers.ofString()).body())
              .build();
      Tree<Object> hedged =
          Tree.named("Hedged")
              .hedge(HedgePolicy.atPercentile(92).initialDelay(Duration.ofMillis(150)))
              .call(b -> http.send(request, HttpResponse.BodyHandlers.ofString()).body())
              .build();
      for (int i = 0; i < 60; i++) { // warm-up, and the hedge's latency samples
        plain.run(null, RunOptions.defaults());
        hedged.run(null, RunOptions.defaults());
      }
      long[] plainNanos = new long[runs];
      long[] hedgedNanos = new long[runs];
      long hedgedRequests = 0;
      for (int i = 0; i < runs; i++) { // interleaved, so drift hits both alike
        long t0 = System.nanoTime();
        Result a = plain.run(null, RunOptions.defaults());
        plainNanos[i] = System.nanoTime() - t0;
        long before = server.requests.get();
        long t1 = System.nanoTime();
        Result b = hedged.run(null, RunOptions.defaults());
        hedgedNanos[i] = System.nanoTime() - t1;
        hedgedRequests += server.requests.get() - before;
        if (!a.isOk() || !b.isOk()) {
          throw new IllegalStateException("a call failed: " + a + " / " + b);
        }
      }
      double plainP99 = Samples.of(plainNanos).percentileMillis(99);
      double hedgedP99 = Samples.of(hedgedNanos).percentileMillis(99);
      double cut = 1 - hedgedP99 / plainP99;
      double extra = (double) hedgedRequests / runs - 1;
      report.add(
          new Figure(
              f("hedge at p92, lognormal server (median 20 ms, σ 1.5), %,d calls", runs),
              f("p99 %.1f ms, %.1f %% extra calls", hedgedP99, extra * 100),
              f("unhedged p99 %.1f ms", plainP99),
              f("p99 −%.0f %%", cut * 100),
              "p99 −40 % for ≤ 10 % extra calls",
              Figure.yesNo(cut >= 0.40 && extra <= 0.10)));
    }
  }

  private static void limiter(Report report, boolean quick) {
    String url = System.getenv(RedisFigures.URL_VARIABLE);
    if (url == null || url.isBlank()) {
      report.add(
          Figure.skipped(
              LIMITER, LIMITER_GOAL, RedisFigures.URL_VARIABLE + " is not set (redis://...)"));
      return;
    }
    int warmUp = quick ? 500 : 3_000;
    int rounds = quick ? 1_000 : 5_000;
    String prefix = "tt-bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    RedisClient client = RedisClient.create(url.strip());
    try (StatefulRedisConnection<String, String> connection = client.connect();
        RedisStore store = RedisStore.builder(url.strip()).keyPrefix(prefix).build()) {
      RedisCommands<String, String> raw = connection.sync();
      RateLimiter limiter =
          RateLimiter.requests("bench")
              .permits(1_000_000_000, Duration.ofSeconds(1))
              .store(store.limiters())
              .build();
      raw.set(prefix + "probe", "x");
      long[] viaLimiter = new long[rounds];
      long[] viaLettuce = new long[rounds];
      for (int i = -warmUp; i < rounds; i++) {
        long t0 = System.nanoTime();
        try {
          limiter.acquire(null, 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long t1 = System.nanoTime();
        raw.get(prefix + "probe");
        long t2 = System.nanoTime();
        if (i >= 0) {
          viaLimiter[i] = t1 - t0;
          viaLettuce[i] = t2 - t1;
        }
      }
      double ours = Samples.of(viaLimiter).medianMicros();
      double base = Samples.of(viaLettuce).medianMicros();
      report.add(
          new Figure(
              f("%s (medians of %,d)", LIMITER, rounds),
              f("acquire %.0f µs", ours),
              f("lettuce sync GET %.0f µs", base),
              f("%.2f×", ours / base),
              LIMITER_GOAL,
              Figure.yesNo(ours / base <= 1.5)));
      raw.del(prefix + "probe", prefix + "limit:bench");
    } finally {
      client.shutdown();
    }
  }
}
