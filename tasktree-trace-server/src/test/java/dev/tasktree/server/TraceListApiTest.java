package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The list API over 1,000 traces written by real runs: paging, filters, sort. */
class TraceListApiTest {

  static final int RUNS = 1000;
  @TempDir static Path dir;
  static TraceServer server;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    Fixtures.runMany(dir, RUNS);
    server = TraceServer.start(ServerOptions.defaults().withTraceDir(dir).withPort(0));
    http = new Http(server);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> http.json("/api/health").path("traces").asInt() == RUNS);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private List<JsonNode> all(String query) {
    List<JsonNode> items = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String path = "/api/traces?limit=73" + query + (cursor == null ? "" : "&cursor=" + cursor);
      JsonNode page = http.json(path);
      page.path("items").forEach(items::add);
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
      pages++;
      assertThat(pages).as("paging must end").isLessThan(100);
    } while (cursor != null);
    return items;
  }

  @Test
  void pagesThroughEveryTraceNewestFirstWithoutGapsOrRepeats() {
    List<JsonNode> items = all("");
    assertThat(items).hasSize(RUNS);
    Set<String> ids = new HashSet<>();
    items.forEach(i -> ids.add(i.path("id").asText()));
    assertThat(ids).hasSize(RUNS);
    List<Long> starts = items.stream().map(i -> i.path("startUs").asLong()).toList();
    assertThat(starts).isSortedAccordingTo(Comparator.reverseOrder());
    JsonNode first = http.json("/api/traces?limit=5");
    assertThat(first.path("total").asInt()).isEqualTo(RUNS);
    assertThat(first.path("items")).hasSize(5);
    assertThat(first.path("items").get(0).path("id").asText())
        .isEqualTo(items.get(0).path("id").asText());
  }

  @Test
  void summariesCarryTheRunsTotals() {
    JsonNode item = http.json("/api/traces?limit=1&order=asc").path("items").get(0);
    // The oldest run is number 0: alpha, OK, cost 0, two errors are not expected (one retry).
    assertThat(item.path("name").asText()).isEqualTo("alpha");
    assertThat(item.path("status").asText()).isEqualTo("OK");
    assertThat(item.path("spanCount").asInt()).isEqualTo(7);
    assertThat(item.path("errorCount").asInt()).isEqualTo(1);
    assertThat(item.path("inputTokens").asLong()).isEqualTo(10);
    assertThat(item.path("outputTokens").asLong()).isEqualTo(5);
    assertThat(item.path("unreadable").asBoolean()).isFalse();
    assertThat(item.path("durationUs").asLong()).isPositive();
  }

  @Test
  void oldestFirstIsTheExactReverse() {
    List<String> desc = all("").stream().map(i -> i.path("id").asText()).toList();
    List<String> asc = all("&order=asc").stream().map(i -> i.path("id").asText()).toList();
    assertThat(asc).containsExactlyElementsOf(desc.reversed());
  }

  @Test
  void filtersByTextAndStatus() {
    List<JsonNode> beta = all("&q=BeTa");
    assertThat(beta).hasSize(RUNS / 2).allMatch(i -> i.path("name").asText().equals("beta"));
    List<JsonNode> failed = all("&status=FAIL");
    assertThat(failed).hasSize(RUNS / 10).allMatch(i -> i.path("status").asText().equals("FAIL"));
    // every 10th run fails: numbers 9, 19, ... are all odd, so all are beta
    assertThat(all("&status=fail&q=alpha")).isEmpty();
    assertThat(http.json("/api/traces?status=FAIL&q=beta&limit=1").path("total").asInt())
        .isEqualTo(RUNS / 10);
    String id = beta.get(3).path("id").asText();
    assertThat(all("&q=" + id.substring(0, 24)))
        .extracting(i -> i.path("id").asText())
        .contains(id);
    assertThat(all("&status=OK,FAIL")).hasSize(RUNS);
  }

  @Test
  void sortsByCostAndDuration() {
    List<Double> costs = all("&sort=cost").stream().map(i -> i.path("costUsd").asDouble()).toList();
    assertThat(costs).hasSize(RUNS).isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(costs.getFirst())
        .isEqualTo((RUNS - 1) * 0.001, org.assertj.core.data.Offset.offset(1e-9));
    List<Long> durations =
        all("&sort=duration").stream().map(i -> i.path("durationUs").asLong()).toList();
    assertThat(durations).hasSize(RUNS).isSortedAccordingTo(Comparator.reverseOrder());
    List<Long> ascending =
        all("&sort=duration&order=asc").stream().map(i -> i.path("durationUs").asLong()).toList();
    assertThat(ascending).isSorted();
  }

  @Test
  void badParametersAreClearJsonErrors() {
    for (String query :
        List.of(
            "limit=0",
            "limit=5000",
            "limit=abc",
            "sort=size",
            "order=up",
            "status=DONE",
            "cursor=%25%25",
            "cursor=bm90LWEtY3Vyc29y")) {
      Http.Response r = http.get("/api/traces?" + query);
      assertThat(r.status()).as(query).isEqualTo(400);
      assertThat(r.json().path("error").asText()).as(query).isNotBlank();
    }
    String cursor = http.json("/api/traces?limit=2").path("nextCursor").asText();
    Http.Response mixed = http.get("/api/traces?sort=cost&cursor=" + cursor);
    assertThat(mixed.status()).isEqualTo(400);
    assertThat(mixed.json().path("error").asText()).contains("another sort order");
  }
}
