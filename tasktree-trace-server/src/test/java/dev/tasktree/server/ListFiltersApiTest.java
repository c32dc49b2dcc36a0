package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.RunHandle;
import dev.tasktree.Tree;
import dev.tasktree.spi.RunInterceptor;
import dev.tasktree.trace.Attributes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The list's server-side filters — model, tag, start-time range, duration and cost — over traces
 * written by real runs (models and cost as LLM spans record them, tags from a run interceptor),
 * plus an unreadable file and a file from an older writer whose summary line has no models; and a
 * clear 400 in the error shape for every bad value.
 */
class ListFiltersApiTest {

  @TempDir static Path dir;
  static TraceServer server;
  static Http http;
  static final List<String> ids = new ArrayList<>();
  static String older;

  /** One run: its model (or none), cost, tags, start day and clock step (its duration). */
  record Spec(String model, double cost, Map<String, Object> tags, int day, long stepMillis) {}

  static final List<Spec> SPECS =
      List.of(
          new Spec("gpt-a", 0.01, Map.of("env", "prod"), 1, 1),
          new Spec("gpt-b", 0.20, Map.of("env", "dev"), 2, 10),
          new Spec("claude-c", 0.05, Map.of("env", "Prod", "team", "x"), 3, 100),
          new Spec(null, 0.0, Map.of(), 4, 1000));

  @BeforeAll
  static void start() throws Exception {
    Tree<Spec> tree =
        Tree.<Spec>named("filtered")
            .sequence()
            .call(
                (s, ctx) -> {
                  if (s.model() != null) {
                    ctx.attribute(Attributes.REQUEST_MODEL, s.model());
                    ctx.attribute(Attributes.RESPONSE_MODEL, s.model() + "-2026");
                  }
                  ctx.attribute(Attributes.COST_USD, s.cost());
                  return "ok";
                })
            .call(s -> "done")
            .end()
            .build();
    for (Spec s : SPECS) {
      RunInterceptor tagging =
          (traceId, treeName) ->
              new RunInterceptor.Run() {
                @Override
                public Map<String, Object> traceAttributes() {
                  return s.tags();
                }

                @Override
                public RunInterceptor.Entered enter(String spanId) {
                  return () -> {};
                }
              };
      Instant base = Instant.parse("2026-01-01T12:00:00Z").plus(Duration.ofDays(s.day() - 1));
      RunHandle run =
          tree.start(
              s,
              Fixtures.options(dir)
                  .withRunInterceptor(tagging)
                  .withClock(new SteppingClock(base, Duration.ofMillis(s.stepMillis()))));
      run.await();
      ids.add(run.traceId());
    }
    Fixtures.flush(dir);
    // An older writer's file: the same trace with a summary line without models.
    Path first = dir.resolve(ids.get(0) + ".jsonl");
    List<String> lines = Files.readAllLines(first);
    String body = String.join("\n", lines.subList(0, lines.size() - 1)) + "\n";
    older = ids.get(0).replace("filtered", "older000");
    body = body.replace(ids.get(0), older);
    long offset = body.getBytes(StandardCharsets.UTF_8).length;
    String summary =
        lines
            .getLast()
            .replaceAll(",\"models\":\\[[^\\]]*\\]", "")
            .replaceAll("\"offset\":\\d+", "\"offset\":" + offset);
    Files.writeString(dir.resolve(older + ".jsonl"), body + summary + "\n");
    Files.writeString(dir.resolve("20260101T000000000000Z-junk-00000000.jsonl"), "not a trace\n");
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                http.json("/api/health").path("traces").asInt() == SPECS.size() + 2
                    && !http.json("/api/health").path("indexing").asBoolean());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The ids the list returns for a query, every page, with the total checked. */
  private static Set<String> found(String query) {
    Set<String> out = new TreeSet<>();
    String cursor = null;
    int total = -1;
    do {
      JsonNode page =
          http.json("/api/traces?limit=2&" + query + (cursor == null ? "" : "&cursor=" + cursor));
      total = page.path("total").asInt();
      page.path("items").forEach(i -> out.add(i.path("id").asText()));
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
    } while (cursor != null);
    assertThat(total).as("total of " + query).isEqualTo(out.size());
    return out;
  }

  private static Set<String> runs(int... which) {
    Set<String> out = new TreeSet<>();
    for (int i : which) {
      out.add(ids.get(i));
    }
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void itemsCarryTheirModelsAndTags() {
    JsonNode item = http.json("/api/traces?limit=10&model=claude-c").path("items").get(0);
    assertThat(item.path("models").toString()).isEqualTo("[\"claude-c\",\"claude-c-2026\"]");
    assertThat(item.path("tags").path("team").asText()).isEqualTo("x");
  }

  @Test
  void modelKeepsRunsWithAnLlmSpanOfThatModel() {
    assertThat(found("model=gpt-b")).isEqualTo(runs(1));
    assertThat(found("model=GPT-B-2026")).as("response models too, any case").isEqualTo(runs(1));
    Set<String> gptA = runs(0);
    gptA.add(older); // an older writer's file is read in full, so it filters right too
    assertThat(found("model=gpt-a")).isEqualTo(gptA);
    Set<String> either = runs(1, 2);
    assertThat(found("model=gpt-b,claude-c")).isEqualTo(either);
    assertThat(found("model=gpt-b&model=claude-c")).isEqualTo(either);
    assertThat(found("model=gpt")).as("exact names, not prefixes").isEmpty();
  }

  @Test
  void tagKeepsRunsWithThatTagAndEveryTagGivenMustMatch() {
    assertThat(found("tag=env:prod"))
        .as("values match in any case")
        .isEqualTo(union(runs(0, 2), Set.of(older)));
    assertThat(found("tag=env"))
        .as("a name alone: has the tag")
        .hasSize(4)
        .containsAll(runs(0, 1, 2));
    assertThat(found("tag=env:prod&tag=team:x")).isEqualTo(runs(2));
    assertThat(found("tag=team")).isEqualTo(runs(2));
    assertThat(found("tag=" + enc("env: dev"))).isEqualTo(runs(1));
    assertThat(found("tag=nope")).isEmpty();
  }

  @Test
  void fromAndToKeepRunsThatStartedInTheRange() {
    assertThat(found("from=2026-01-02&to=2026-01-04")).isEqualTo(runs(1, 2));
    assertThat(found("from=" + enc("2026-01-03T12:00:00Z") + "&to=2026-01-05"))
        .isEqualTo(runs(2, 3));
    assertThat(found("to=" + enc("2026-01-02T13:00:00+01:00")))
        .as("offsets are honoured; the junk file is listed at its own (recent) time")
        .containsExactlyInAnyOrderElementsOf(union(runs(0), Set.of(older)));
    assertThat(found("from=1h")).as("an age: started in the last hour").hasSize(1); // the junk
  }

  @Test
  void durationKeepsRunsInTheRangeInclusive() {
    Map<String, Long> durations = new java.util.HashMap<>();
    http.json("/api/traces?limit=100")
        .path("items")
        .forEach(i -> durations.put(i.path("id").asText(), i.path("durationUs").asLong()));
    long d1 = durations.get(ids.get(1));
    long d2 = durations.get(ids.get(2));
    assertThat(d1).isLessThan(d2); // the clocks stepped 10 ms and 100 ms
    assertThat(found("minDuration=" + d2 + "us")).isEqualTo(runs(2, 3));
    assertThat(found("minDuration=" + d1 + "us&maxDuration=" + d2 + "us")).isEqualTo(runs(1, 2));
    assertThat(found("maxDuration=" + (d1 / 1000.0) + "ms")).containsAll(runs(0, 1)).hasSize(3);
    assertThat(found("minDuration=1h")).isEmpty();
  }

  @Test
  void costKeepsRunsInTheRangeInclusive() {
    assertThat(found("minCost=0.05")).isEqualTo(runs(1, 2));
    assertThat(found("maxCost=0.05")).containsAll(runs(0, 2, 3)).hasSize(4); // and the older file
    assertThat(found("minCost=0.02&maxCost=" + enc("$0.1"))).isEqualTo(runs(2));
    assertThat(found("minCost=0.02&status=OK&q=filtered")).isEqualTo(runs(1, 2));
  }

  @Test
  void withoutFiltersEveryFileIsListedAndFiltersOnSummariesDropUnreadableOnes() {
    assertThat(found("")).hasSize(SPECS.size() + 2);
    assertThat(found("status=UNREADABLE")).hasSize(1);
    assertThat(found("status=UNREADABLE&maxCost=100")).isEmpty();
  }

  @Test
  void everyBadValueIsAClear400InTheErrorShape() throws Exception {
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("tag=" + enc(":x"), "tag");
    bad.put("from=yesterday", "from");
    bad.put("to=2026-13-01", "to");
    bad.put("from=2026-01-03&to=2026-01-02", "from must be before to");
    bad.put("minDuration=fast", "minDuration");
    bad.put("maxDuration=-1s", "maxDuration");
    bad.put("minDuration=2s&maxDuration=1s", "minDuration is above maxDuration");
    bad.put("minDuration=99999999999999h", "minDuration");
    bad.put("minCost=abc", "minCost");
    bad.put("maxCost=-1", "maxCost");
    bad.put("minCost=2&maxCost=1", "minCost is above maxCost");
    bad.put("status=nope", "unknown status");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      Http.Response r = http.get("/api/traces?" + e.getKey());
      assertThat(r.status()).as(e.getKey()).isEqualTo(400);
      assertThat(r.header("Content-Type")).startsWith("application/json");
      JsonNode json = r.json();
      assertThat(json.size()).as(e.getKey()).isEqualTo(2);
      assertThat(json.path("status").asInt()).isEqualTo(400);
      assertThat(json.path("error").asText()).as(e.getKey()).contains(e.getValue());
    }
    // The message says what is accepted.
    assertThat(http.get("/api/traces?minDuration=fast").json().path("error").asText())
        .contains("250ms");
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  /** A clock that moves forward by a fixed step every time it is read. */
  static final class SteppingClock extends Clock {
    private final Instant base;
    private final long stepNanos;
    private final AtomicLong readings = new AtomicLong();

    SteppingClock(Instant base, Duration step) {
      this.base = base;
      this.stepNanos = step.toNanos();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return base.plusNanos(readings.incrementAndGet() * stepNanos);
    }
  }
}
