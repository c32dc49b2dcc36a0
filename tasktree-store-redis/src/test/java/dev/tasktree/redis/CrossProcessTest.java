package dev.tasktree.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import dev.tasktree.trace.ChildJvm;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two or more JVMs sharing one Redis: termination, cache hits and single-flight across them. */
class CrossProcessTest {

  private static final Duration JVM_START = Duration.ofSeconds(60);

  private String url;
  private String prefix;
  private TestRedis.Raw raw;
  private RedisStore store;
  private final List<ChildJvm> children = new ArrayList<>();

  @BeforeEach
  void connect() {
    url = TestRedis.url();
    prefix = TestRedis.uniquePrefix();
    raw = new TestRedis.Raw(url);
    store = RedisStore.builder(url).keyPrefix(prefix).build();
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    for (ChildJvm child : children) {
      child.close();
    }
    if (store != null) {
      store.close();
    }
    if (raw != null) {
      raw.deleteAll(prefix);
      raw.close();
    }
  }

  private ChildJvm child(String... args) {
    ChildJvm child = ChildJvm.start(ChildMain.class, args);
    children.add(child);
    return child;
  }

  @Test
  void aSignalFromThisProcessTerminatesARunInAnotherAndItsTraceShowsTheReason(
      @TempDir Path traceDir) throws Exception {
    ChildJvm child = child("terminate", url, prefix, traceDir.toString(), "job-77");
    child.awaitLine("READY", JVM_START);

    store.raise("job-77", "cancelled by the operator", Duration.ofMinutes(1));

    String[] result = child.awaitLine("RESULT", Duration.ofSeconds(30)).split(" ");
    assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(result[1]).isEqualTo("fail");
    Trace trace = new TraceReader().read(traceDir.resolve(result[2] + ".jsonl"));
    assertThat(trace.summary().status()).isEqualTo(Status.FAIL);
    Span terminable = trace.spansOfKind("Terminable").getFirst();
    assertThat(terminable.attribute("terminated").asBoolean()).isTrue();
    assertThat(terminable.attribute("termination_reason").asText())
        .isEqualTo("cancelled by the operator");
    assertThat(terminable.error().message()).contains("cancelled by the operator");
    assertThat(terminable.children())
        .singleElement()
        .extracting(Span::status)
        .isEqualTo(Status.CANCELLED);
  }

  @Test
  void aValueCachedByOneProcessIsAHitInTheOther() throws Exception {
    ChildJvm first = child("cache", url, prefix, "answer-1", "from the child");
    assertThat(first.awaitLine("RESULT", JVM_START)).isEqualTo("RESULT from the child");
    assertThat(first.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(first.output()).contains("CHILD_RAN");

    // this process: a hit on what the child cached
    AtomicInteger runs = new AtomicInteger();
    Tree<String> tree =
        Tree.<String>named("Cached job")
            .cache(CachePolicy.<String>key(k -> k).ttl(Duration.ofMinutes(5)))
            .call(
                k -> {
                  runs.incrementAndGet();
                  return "from the test process";
                })
            .build();
    RunOptions options = RunOptions.defaults().withCacheStore(store);
    assertThat(tree.run("answer-1", options)).isEqualTo(Result.ok("from the child"));
    assertThat(runs).hasValue(0);

    // and the other way round: the child hits what this process cached
    assertThat(tree.run("answer-2", options)).isEqualTo(Result.ok("from the test process"));
    ChildJvm second = child("cache", url, prefix, "answer-2", "child would say this");
    assertThat(second.awaitLine("RESULT", JVM_START)).isEqualTo("RESULT from the test process");
    assertThat(second.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(second.output()).doesNotContain("CHILD_RAN");
  }

  @Test
  void withSingleFlightSeveralProcessesMissingOneKeyRunTheChildOnce() throws Exception {
    int processes = 4;
    List<ChildJvm> flock = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      flock.add(child("singleflight", url, prefix, "expensive", "go", "3000"));
    }
    for (ChildJvm child : flock) {
      child.awaitLine("READY", JVM_START);
    }

    store.set("go", "now", Duration.ofMinutes(1)); // all start together

    List<String> results = new ArrayList<>();
    List<String> flights = new ArrayList<>();
    for (ChildJvm child : flock) {
      flights.add(child.awaitLine("FLIGHT", Duration.ofSeconds(60)));
      results.add(child.awaitLine("RESULT", Duration.ofSeconds(60)));
      assertThat(child.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    long childRuns = flock.stream().filter(child -> child.output().contains("CHILD_RAN")).count();
    assertThat(childRuns).isEqualTo(1);
    // the others really missed at the same time and waited for the one flight
    assertThat(flights).filteredOn(f -> f.startsWith("FLIGHT \"miss\"")).hasSize(1);
    assertThat(flights)
        .filteredOn(f -> f.equals("FLIGHT \"hit\" \"waited\""))
        .hasSizeGreaterThanOrEqualTo(2);
    assertThat(results).hasSize(processes).allMatch(r -> r.equals(results.getFirst()));
    assertThat(results.getFirst()).startsWith("RESULT computed by ");
    assertThat(raw.redis.exists(prefix + "cache:expensive:lock")).isZero();
  }
}
