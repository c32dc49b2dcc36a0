package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.Result;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples of docs/nodes.md do what the page says they do. */
class NodeSnippetsTest {

  @Test
  void everyNodeExampleReturnsWhatThePageSays() {
    List<String> items = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k");
    NodeSnippets.Order order = new NodeSnippets.Order("o-1", items);

    List<Result> results = NodeSnippets.runAll(order);

    assertThat(results)
        .containsExactly(
            Result.ok(items), // CALLS: the last call's data
            Result.ok("accepted"), // LEAVES
            Result.ok("A"), // WITH_SUBTREES: the subtree on the first item
            Result.ok(List.of(1, 2, 3)), // PARSE
            Result.ok(items.stream().map(String::toUpperCase).toList()), // CHECK_ALL
            Result.ok("found o-1"), // STATUS: the selector fell through the failure
            results.get(6), // AB_TEST: random, checked below
            Result.ok(List.of("prices", "stock", "reviews")), // ENRICH
            Result.fail(false), // VALIDATE: 11 items fail the check, the slow call is cancelled
            Result.ok("mirror 2"), // FASTEST
            Result.ok("post"), // SHIPPING
            Result.ok("o-1"), // BEST_EFFORT
            Result.fail("draft"), // NOT_YET
            Result.ok("done after 3"), // RETRIED
            Result.ok("page 3"), // PAGES
            Result.ok("short answer"), // DEADLINE
            Result.ok("found o-1")); // CACHED
    assertThat(results.get(6).data()).isIn("variant A", "variant B");
    assertThat(order.parsed).isEqualTo(Map.of("id", "o-1", "total", 12.5));
    assertThat(order.status).isEqualTo("found o-1");
    assertThat(order.page).isEqualTo(3);
  }
}
