package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.redis.CountingHttpServer.Hit;
import dev.tasktree.store.BudgetStore;
import dev.tasktree.trace.ChildJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fleet of child JVMs on one Redis calling one provider stand-in ({@link CountingHttpServer},
 * which counts every request): one shared breaker, one shared RPM limit, one shared cost budget.
 */
class CrossProcessResilienceTest {

  private static final Duration JVM_START = Duration.ofSeconds(90);

  private String url;
  private String prefix;
  private RedisStore store;
  private CountingHttpServer server;
  private final List<ChildJvm> children = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    url = TestRedis.url();
    prefix = TestRedis.uniquePrefix();
    store = RedisStore.builder(url).keyPrefix(prefix).build();
    server = new CountingHttpServer();
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ChildJvm child : children) {
      child.close();
    }
    if (server != null) {
      server.close();
    }
    if (store == null) {
      return; // Redis was missing: start() skipped the test before anything was made
    }
    store.close();
    try (TestRedis.Raw raw = new TestRedis.Raw(url)) {
      raw.deleteAll(prefix);
    }
  }

  private List<ChildJvm> fleet(int size, String mode, String... args) throws InterruptedException {
    List<ChildJvm> fleet = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      List<String> all = new ArrayList<>(List.of(mode, url, prefix, server.url(), "jvm-" + i));
      all.addAll(List.of(args));
      ChildJvm child = ChildJvm.start(ResilienceChild.class, all.toArray(String[]::new));
      children.add(child);
      fleet.add(child);
    }
    for (ChildJvm child : fleet) {
      child.awaitLine("READY", JVM_START);
    }
    return fleet;
  }

  private List<Hit> fleetHits() {
    return server.hits().stream().filter(h -> !"warm".equals(h.child())).toList();
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  /** Requests grouped into bursts separated by more than {@code gapMillis} of silence. */
  private static List<List<Hit>> bursts(List<Hit> hits, long gapMillis) {
    List<List<Hit>> bursts = new ArrayList<>();
    for (Hit hit : hits) {
      if (bursts.isEmpty()
          || millis(hit.nanos() - bursts.getLast().getLast().nanos()) > gapMillis) {
        bursts.add(new ArrayList<>());
      }
      bursts.getLast().add(hit);
    }
    return bursts;
  }

  @Test
  void fourJvmsShareOneBreakerStopCallingAFailingProviderAndProbeItTogetherWithinTheLimit()
      throws Exception {
    long cooldown = 1500;
    server.answerWith(503);
    List<ChildJvm> fleet = fleet(4, "breaker", Long.toString(cooldown), "11000");
    store.set("go", "now", Duration.ofMinutes(1));

    // the provider fails for 6.5 s, then recovers
    Thread.sleep(6500); // the outage window of the scripted provider, not a wait for an effect
    long recovered = System.nanoTime();
    server.answerWith(200);

    List<String> done = new ArrayList<>();
    for (ChildJvm child : fleet) {
      done.add(child.awaitLine("DONE", Duration.ofSeconds(60)));
      assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    List<Hit> hits = fleetHits();
    List<Hit> duringOutage = hits.stream().filter(h -> h.nanos() < recovered).toList();
    List<List<Hit>> bursts = bursts(duringOutage, cooldown / 2);
    System.out.printf(
        "breaker: %d requests during the 6.5 s outage, bursts %s; results %s%n",
        duringOutage.size(), bursts.stream().map(List::size).toList(), done);

    // the trip: three failures open it; each JVM has at most one call in flight besides
    assertThat(bursts.getFirst().size()).isBetween(3, 3 + 4);
    // and it is short: from the fleet's first request (not from the go key, which child JVMs
    // notice late on a loaded machine) to its last, less than one cooldown
    List<Hit> trip = bursts.getFirst();
    assertThat(millis(trip.getLast().nanos() - trip.getFirst().nanos())).isLessThan(cooldown);
    // then only probes: never more than the half-open limit (2) at once, one cooldown apart
    assertThat(bursts.size()).isGreaterThanOrEqualTo(3);
    for (int i = 1; i < bursts.size(); i++) {
      assertThat(bursts.get(i)).hasSizeLessThanOrEqualTo(2);
      long apart = millis(bursts.get(i).getFirst().nanos() - bursts.get(i - 1).getFirst().nanos());
      assertThat(apart).isGreaterThanOrEqualTo(cooldown - 50);
    }
    // after the provider recovered, probes closed the breaker and all four JVMs call it again
    Map<String, Long> afterRecovery =
        hits.stream()
            .filter(h -> h.nanos() > recovered + cooldown * 2_000_000)
            .collect(Collectors.groupingBy(Hit::child, Collectors.counting()));
    assertThat(afterRecovery).containsOnlyKeys("jvm-0", "jvm-1", "jvm-2", "jvm-3");
    assertThat(done).allMatch(line -> !line.contains("ok=0 "));
  }

  @Test
  void fourJvmsShareOneRpmLimitAndTheProviderNeverSeesMore() throws Exception {
    long perMinute = 60;
    long burst = 5;
    long runMillis = 60_000; // a minute-long window
    List<ChildJvm> fleet =
        fleet(
            4, "limiter", Long.toString(perMinute), Long.toString(burst), Long.toString(runMillis));
    store.set("go", "now", Duration.ofMinutes(5));
    List<String> done = new ArrayList<>();
    for (ChildJvm child : fleet) {
      done.add(child.awaitLine("DONE", Duration.ofSeconds(150)));
      assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    List<Hit> hits = fleetHits();
    double ratePerMilli = perMinute / 60_000.0;
    // token bucket: in any interval of length T at most burst + rate × T requests (+1 for the
    // jitter between the grant in Redis and the arrival here)
    int worst = 0;
    for (int i = 0; i < hits.size(); i++) {
      for (int j = i; j < hits.size(); j++) {
        double allowed =
            burst + ratePerMilli * millis(hits.get(j).nanos() - hits.get(i).nanos()) + 1;
        assertThat((double) (j - i + 1)).as("requests %d..%d", i, j).isLessThanOrEqualTo(allowed);
        worst = Math.max(worst, j - i + 1);
      }
    }
    long spanMillis = millis(hits.getLast().nanos() - hits.getFirst().nanos());
    System.out.printf(
        "limiter: %d requests in %d ms from %d JVMs (limit %d/min, burst %d); %s%n",
        hits.size(), spanMillis, fleet.size(), perMinute, burst, done);
    // any minute of it: never more than the minute's limit plus the burst (+1 jitter)
    int busiestMinute = 0;
    for (int i = 0, j = 0; i < hits.size(); i++) {
      while (j < hits.size() && millis(hits.get(j).nanos() - hits.get(i).nanos()) < 60_000) {
        j++;
      }
      busiestMinute = Math.max(busiestMinute, j - i);
    }
    System.out.printf("limiter: busiest minute %d requests%n", busiestMinute);
    assertThat(busiestMinute).isLessThanOrEqualTo((int) (perMinute + burst + 1));
    // and the fleet really used the quota (the limiter hands out what it may)
    assertThat(hits.size()).isGreaterThanOrEqualTo((int) (perMinute * 0.9));
    assertThat(hits.stream().map(Hit::child).distinct()).hasSize(4);
  }

  @Test
  void threeJvmsShareOneCostBudgetThatIsNeverExceededByMoreThanOneEstimate() throws Exception {
    long limit = 1_000_000; // $1.00
    long estimate = 50_000; // $0.05 per call
    List<ChildJvm> fleet = fleet(3, "budget", Long.toString(limit), Long.toString(estimate));
    store.set("go", "now", Duration.ofMinutes(5));
    long calls = 0;
    long excess = 0;
    int breaches = 0;
    Pattern callsLine = Pattern.compile("DONE calls=(\\d+)");
    for (ChildJvm child : fleet) {
      Matcher m = callsLine.matcher(child.awaitLine("DONE", Duration.ofSeconds(120)));
      assertThat(m.matches()).isTrue();
      calls += Long.parseLong(m.group(1));
      assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
      for (String line : child.lines()) {
        if (line.startsWith("BREACH ")) {
          breaches++;
          excess += Long.parseLong(line.substring(7)) - estimate;
        }
      }
    }
    BudgetStore.Outcome account = store.budgets().read("tenant-42", 0);
    System.out.printf(
        "budget: %d calls, spent %d micro-USD of %d, %d breaches (%d over their estimates)%n",
        calls, account.spent().costMicros(), limit, breaches, excess);
    assertThat(fleetHits()).hasSize((int) calls); // a refused call sent nothing
    assertThat(account.spent().calls()).isEqualTo(calls);
    assertThat(account.reserved().costMicros()).isZero();
    assertThat(breaches).isPositive(); // every fifth call of a process costs 1.25 × its estimate
    assertThat(account.spent().costMicros()).isLessThanOrEqualTo(limit + estimate);
    // exactly: what is over the limit is what calls used over their estimates, no more
    assertThat(account.spent().costMicros() - excess).isLessThanOrEqualTo(limit);
    // and the budget was used, not refused early: no further call would have fit
    assertThat(account.spent().costMicros() + estimate).isGreaterThan(limit);
  }
}
