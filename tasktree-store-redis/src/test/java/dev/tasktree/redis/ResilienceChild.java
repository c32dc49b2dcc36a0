package dev.tasktree.redis;

import static org.awaitility.Awaitility.await;

import dev.tasktree.BudgetExceededException;
import dev.tasktree.BudgetPolicy;
import dev.tasktree.CircuitBreaker;
import dev.tasktree.OnStoreError;
import dev.tasktree.RateLimitedException;
import dev.tasktree.RateLimiter;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.spi.Charges;
import dev.tasktree.store.Spend;
import dev.tasktree.trace.InMemoryTraceSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process of the fleet in {@link CrossProcessResilienceTest}: it calls the test's {@link
 * CountingHttpServer} through a shared breaker, limiter or budget, and prints what it saw, one fact
 * a line:
 *
 * <ul>
 *   <li>{@code breaker URL PREFIX SERVER ID COOLDOWN_MS RUN_MS}: one loop, every 10 ms, a Selector
 *       over (breaker → HTTP call) and a fallback; prints {@code READY}, waits for the cache key
 *       {@code go}, then {@code OK}/{@code FALLBACK} counts as {@code DONE ok=N fallback=M
 *       last_ok_ms=T}.
 *   <li>{@code limiter URL PREFIX SERVER ID PER_MINUTE BURST RUN_MS}: four workers calling through
 *       one shared RPM limiter; prints {@code DONE ok=N limited=M}.
 *   <li>{@code budget URL PREFIX SERVER ID LIMIT_MICROS ESTIMATE_MICROS}: three workers charging
 *       one shared cost budget until it refuses; prints {@code BREACH micros} for each call whose
 *       trace recorded {@code charge_breach}, then {@code DONE calls=N}.
 * </ul>
 */
public final class ResilienceChild {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ResilienceChild() {}

  public static void main(String[] args) throws Exception {
    try (RedisStore store = RedisStore.builder(args[1]).keyPrefix(args[2]).build()) {
      String server = args[3];
      String id = args[4];
      switch (args[0]) {
        case "breaker" ->
            breaker(store, server, id, Long.parseLong(args[5]), Long.parseLong(args[6]));
        case "limiter" ->
            limiter(
                store,
                server,
                id,
                Long.parseLong(args[5]),
                Long.parseLong(args[6]),
                Long.parseLong(args[7]));
        case "budget" ->
            budget(store, server, id, Long.parseLong(args[5]), Long.parseLong(args[6]));
        default -> throw new IllegalArgumentException("unknown mode " + args[0]);
      }
    }
    System.out.flush();
    System.exit(0);
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** GET the server; OK on 200, FAIL(IOException) otherwise. */
  private static Result call(String server, String id) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server))
                  .header("X-Child", id)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? Result.ok(response.body())
          : Result.fail(new IOException("HTTP " + response.statusCode()));
    } catch (IOException e) {
      return Result.fail(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.fail(e);
    }
  }

  /** A polite client's back-off after a refusal: the pause is the behaviour, not a wait. */
  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Says READY, then waits for the test's {@code go} key: one start line for every process. */
  private static void awaitGo(RedisStore store) {
    say("READY");
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInSameThread() // as tight a start line as the main thread polling itself
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> store.get("go").isPresent());
  }

  private static void breaker(RedisStore store, String server, String id, long cooldown, long runMs)
      throws InterruptedException {
    CircuitBreaker breaker =
        CircuitBreaker.named("provider")
            .consecutiveFailures(3)
            .noFailureRate()
            .cooldown(Duration.ofMillis(cooldown))
            .halfOpenProbes(2)
            .store(store.breakers())
            .build();
    // spotless:off
    Tree<Object> tree = Tree.named("Fleet call")
        .selector()
          .breaker(breaker)
            .call(b -> call(server, id))
          .call(b -> "fallback")
        .end()
        .build();
    // spotless:on
    // warm-up (class loading, first connection) on a breaker of its own; the server ignores it
    Tree.named("Warm-up")
        .breaker(
            CircuitBreaker.named("warm-up-" + id)
                .consecutiveFailures(100)
                .store(store.breakers())
                .build())
        .call(b -> call(server, "warm"))
        .build()
        .run(new Object(), RunOptions.defaults().withTraceSink(new InMemoryTraceSink()));
    awaitGo(store);
    int ok = 0;
    int fallback = 0;
    long start = System.nanoTime();
    long lastOk = -1;
    while (System.nanoTime() - start < runMs * 1_000_000) {
      Result result = tree.run(new Object(), RunOptions.defaults());
      if ("ok".equals(result.data())) {
        ok++;
        lastOk = (System.nanoTime() - start) / 1_000_000;
      } else {
        fallback++;
      }
      Thread.sleep(10); // the fleet's call cadence (one call every 10 ms), not a wait
    }
    say("DONE ok=" + ok + " fallback=" + fallback + " last_ok_ms=" + lastOk);
  }

  private static void limiter(
      RedisStore store, String server, String id, long perMinute, long burst, long runMs)
      throws InterruptedException {
    RateLimiter rpm =
        RateLimiter.requests("provider-rpm")
            .perMinute(perMinute)
            .burst(burst)
            .maxWait(Duration.ofSeconds(2))
            .store(store.limiters())
            .build();
    Tree<Object> tree =
        Tree.named("Limited call").rateLimit(rpm).call(b -> call(server, id)).build();
    // warm up the whole path (tree runtime, limiter script, HTTP client) on a limiter of its own:
    // a cold first run is slow between its grant and its request, which would skew the server's
    // view of the rate
    Tree.named("Warm-up")
        .rateLimit(
            RateLimiter.requests("warm-up-" + id).perMinute(60).store(store.limiters()).build())
        .call(b -> call(server, "warm"))
        .build()
        .run(new Object(), RunOptions.defaults());
    awaitGo(store);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger limited = new AtomicInteger();
    long end = System.nanoTime() + runMs * 1_000_000;
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      workers.add(
          Thread.startVirtualThread(
              () -> {
                while (System.nanoTime() < end) {
                  Result result = tree.run(new Object(), RunOptions.defaults());
                  (result.isOk() ? ok : limited).incrementAndGet();
                  if (result.data() instanceof RateLimitedException refused) {
                    // a polite client: retry when the limiter says a retry can succeed
                    sleep(Math.max(1, refused.suggestedRetryDelay().orElseThrow().toMillis()));
                  }
                }
              }));
    }
    for (Thread worker : workers) {
      worker.join();
    }
    say("DONE ok=" + ok + " limited=" + limited);
  }

  private static void budget(
      RedisStore store, String server, String id, long limitMicros, long estimateMicros)
      throws InterruptedException {
    BudgetPolicy shared =
        BudgetPolicy.limits()
            .costUsd(limitMicros / 1_000_000.0)
            .shared("tenant-42", store.budgets())
            .onStoreError(OnStoreError.FAIL)
            .build();
    Spend estimate = new Spend(100, 500, estimateMicros, 1);
    AtomicInteger number = new AtomicInteger(); // every fifth call of this process costs more
    Tree<Object> tree =
        Tree.named("Budgeted call")
            .budget(shared)
            .call(
                (b, ctx) -> {
                  try (Charges.Charge charge = Charges.reserve(ctx, estimate)) {
                    Result result = call(server, id);
                    // real usage: usually under the estimate, one call in eight over it
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long cost =
                        number.incrementAndGet() % 5 == 2
                            ? estimateMicros + estimateMicros / 4
                            : random.nextLong(estimateMicros / 2, estimateMicros + 1);
                    charge.settle(new Spend(100, 400, cost, 1));
                    return result;
                  }
                })
            .build();
    call(server, "warm");
    awaitGo(store);
    AtomicInteger calls = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      workers.add(
          Thread.startVirtualThread(
              () -> {
                InMemoryTraceSink traces = new InMemoryTraceSink();
                RunOptions options = RunOptions.defaults().withTraceSink(traces);
                while (true) {
                  Result result = tree.run(new Object(), options);
                  if (result.data() instanceof BudgetExceededException) {
                    break;
                  }
                  calls.incrementAndGet();
                  var call = traces.last().spansOfKind("Call").getFirst();
                  if (call.attribute("charge_breach") != null) {
                    say("BREACH " + call.attribute("charge_actual").get("costMicros").asLong());
                  }
                }
              }));
    }
    for (Thread worker : workers) {
      worker.join();
    }
    say("DONE calls=" + calls);
  }
}
