package dev.tasktree.redis;

import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;

/**
 * The second process of the cross-process tests. It prints what it does, one line per fact, for
 * {@link dev.tasktree.trace.ChildJvm#awaitLine} to read:
 *
 * <ul>
 *   <li>{@code terminate URL PREFIX TRACE_DIR KEY}: runs a Terminable on KEY over a child that
 *       waits for ever; prints {@code READY} once watching, then {@code RESULT ok|fail TRACE_ID}.
 *   <li>{@code cache URL PREFIX KEY VALUE}: runs a Cacher on KEY over a child that returns VALUE;
 *       prints {@code CHILD_RAN} if the child ran, then {@code RESULT <data>}.
 *   <li>{@code singleflight URL PREFIX KEY GO_KEY WORK_MS}: prints {@code READY}, waits until the
 *       cache key GO_KEY exists, then runs a single-flight Cacher on KEY whose child takes WORK_MS;
 *       prints {@code FLIGHT <cache attribute> <single_flight attribute>} and {@code RESULT}.
 *   <li>{@code latency URL PREFIX COUNT}: COUNT runs, each a Terminable on {@code lat-i}; prints
 *       {@code READY lat-i} when watching and {@code CANCELLED lat-i EPOCH_MICROS} when cancelled.
 * </ul>
 */
public final class ChildMain {

  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    try (RedisStore store = RedisStore.builder(args[1]).keyPrefix(args[2]).build()) {
      switch (mode) {
        case "terminate" -> terminate(store, Path.of(args[3]), args[4]);
        case "cache" -> cache(store, args[3], args[4]);
        case "singleflight" -> singleFlight(store, args[3], args[4], Long.parseLong(args[5]));
        case "latency" -> latency(store, Integer.parseInt(args[3]));
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
    }
    System.out.flush();
    System.exit(0);
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void terminate(RedisStore store, Path traceDir, String key) throws Exception {
    Tree<Object> tree =
        Tree.named("Child job")
            .terminable(b -> key)
            .call(
                (b, ctx) -> {
                  say("READY");
                  new CountDownLatch(1).await(); // until the signal cancels us
                  return "finished without a signal";
                })
            .build();
    var handle =
        tree.start(
            new Object(), RunOptions.defaults().withTraceDir(traceDir).withSignalStore(store));
    Result result = handle.await();
    say("RESULT " + (result.isOk() ? "ok" : "fail") + " " + handle.traceId());
  }

  private static void cache(RedisStore store, String key, String value) {
    Tree<Object> tree =
        Tree.named("Cached job")
            .cache(CachePolicy.key(b -> key).ttl(Duration.ofMinutes(5)))
            .call(
                b -> {
                  say("CHILD_RAN");
                  return value;
                })
            .build();
    Result result = tree.run(new Object(), RunOptions.defaults().withCacheStore(store));
    say("RESULT " + result.data());
  }

  private static void singleFlight(RedisStore store, String key, String goKey, long workMillis)
      throws InterruptedException {
    Tree<Object> tree =
        Tree.named("Single flight")
            .cache(
                CachePolicy.key(b -> key)
                    .ttl(Duration.ofMinutes(5))
                    .singleFlight(Duration.ofSeconds(30)))
            .call(
                b -> {
                  say("CHILD_RAN");
                  Thread.sleep(workMillis); // the expensive work the others must not repeat
                  return "computed by " + ProcessHandle.current().pid();
                })
            .build();
    // warm up (class loading, JIT) on another key so that all processes miss at the same moment
    Tree.named("Warm-up")
        .cache(CachePolicy.key(b -> key + ":warm-up:" + ProcessHandle.current().pid()))
        .call(b -> "warm")
        .build()
        .run(
            new Object(),
            RunOptions.defaults().withCacheStore(store).withTraceSink(new InMemoryTraceSink()));
    say("READY");
    while (store.get(goKey).isEmpty()) {
      Thread.sleep(2); // a start line for all processes at once
    }
    InMemoryTraceSink traces = new InMemoryTraceSink();
    Result result =
        tree.run(new Object(), RunOptions.defaults().withCacheStore(store).withTraceSink(traces));
    Span cacher = traces.last().spansOfKind("Cache").getFirst();
    say("FLIGHT " + cacher.attribute("cache") + " " + cacher.attribute("single_flight"));
    say("RESULT " + result.data());
  }

  private static void latency(RedisStore store, int count) throws InterruptedException {
    Tree<String> tree =
        Tree.<String>named("Latency probe")
            .terminable(key -> key)
            .call(
                (key, ctx) -> {
                  ctx.onCancel(() -> say("CANCELLED " + key + " " + epochMicros()));
                  say("READY " + key);
                  new CountDownLatch(1).await();
                  return null;
                })
            .build();
    RunOptions options = RunOptions.defaults().withSignalStore(store);
    for (int i = 0; i < count; i++) {
      tree.run("lat-" + i, options);
    }
  }

  static long epochMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }
}
