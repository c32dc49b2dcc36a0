package dev.tasktree.examples;

import dev.tasktree.Backoff;
import dev.tasktree.CachePolicy;
import dev.tasktree.Result;
import dev.tasktree.RetryPolicy;
import dev.tasktree.Tree;
import dev.tasktree.trace.LogLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The small per-node examples of {@code docs/nodes.md}, compiled and run by {@code
 * NodeSnippetsTest}: each {@code snippet:NAME} region is a Java block of that page.
 */
final class NodeSnippets {

  private NodeSnippets() {}

  /** The blackboard of the node examples. */
  static final class Order {
    final String id;
    final List<String> items;
    String raw = "{'id': 'o-1', 'total': 12.5,}";
    Map<String, Object> parsed;
    int attempts;
    int page;
    boolean express;
    String status;
    final List<String> notes = new CopyOnWriteArrayList<>();

    Order(String id, List<String> items) {
      this.id = id;
      this.items = items;
    }

    void setStatus(String status) {
      this.status = status;
    }
  }

  static String lookUp(String id) {
    return "found " + id;
  }

  static Object flaky(Order order) {
    return ++order.attempts < 3 ? Result.fail("busy") : "done after " + order.attempts;
  }

  static String slow(String what) throws InterruptedException {
    Thread.sleep(10_000);
    return what;
  }

  // spotless:off
  // snippet:node-call
  static final Tree<Order> CALLS = Tree.<Order>named("Calls")
      .sequence()
          .call(() -> "no arguments")
          .call(order -> lookUp(order.id))                      // OK(value)
          .call((order, ctx) -> ctx.previous().orElseThrow().data() + "!")
          .call(order -> order.items.isEmpty() ? Result.fail("empty") : Result.ok(order.items))
      .end()
      .build();
  // end-snippet

  // snippet:node-leaves
  static final Tree<Order> LEAVES = Tree.<Order>named("Leaves")
      .sequence()
          .log("checking the order")
          .log(LogLevel.DEBUG, order -> "order " + order.id)
          .todo("check the stock")
          .condition(order -> !order.items.isEmpty())             // OK(true) / FAIL(false)
          .showBlackboard()                                       // the blackboard, in the trace
          .call(order -> "accepted")
          .writeBlackboard(Order::setStatus)
      .end()
      .build();
  // end-snippet

  // snippet:node-subtree
  static final Tree<String> CHECK_ITEM = Tree.<String>named("CheckItem")
      .call(item -> item.toUpperCase())
      .build();

  static final Tree<Order> WITH_SUBTREES = Tree.<Order>named("WithSubtrees")
      .sequence()
          .subtree(LEAVES)                                        // same blackboard
          .subtree(CHECK_ITEM, order -> order.items.getFirst())  // a blackboard of its own
      .end()
      .build();
  // end-snippet

  // snippet:node-parsejson
  static final Tree<Order> PARSE = Tree.<Order>named("Parse")
      .sequence()
          .parseJson(order -> order.raw, Map.class, (order, map) -> order.parsed = map)
          .call(order -> "Here you go: [1, 2, 3,]")
          .parseJson()                                            // previous result → List
      .end()
      .build();
  // end-snippet

  // snippet:node-gather
  static final Tree<Order> CHECK_ALL = Tree.<Order>named("CheckAll")
      .gather(order -> order.items, CHECK_ITEM, 4)   // OK([…]) in item order, ≤ 4 at once
      .build();
  // end-snippet

  // snippet:node-sequence-selector
  static final Tree<Order> STATUS = Tree.<Order>named("Status")
      .sequence()                                   // stops at the first FAIL
          .condition(order -> !order.items.isEmpty())
          .selector()                               // stops at the first OK
              .failure(order -> "the cache is cold")
              .call(order -> lookUp(order.id))
              .call(order -> "unknown")
          .end()
          .writeBlackboard(Order::setStatus)
      .end()
      .build();
  // end-snippet

  // snippet:node-random-selector
  static final Tree<Order> AB_TEST = Tree.<Order>named("AbTest")
      .randomSelector(0.9, 0.1)          // tries A first 90% of the time; B if A fails
          .call(order -> "variant A")
          .call(order -> "variant B")
      .end()
      .build();
  // end-snippet

  // snippet:node-parallel
  static final Tree<Order> ENRICH = Tree.<Order>named("Enrich")
      .parallel(2)                       // all children, at most 2 at once; OK([a, b, c])
          .call(order -> "prices")
          .call(order -> "stock")
          .call(order -> "reviews")
      .end()
      .build();

  static final Tree<Order> VALIDATE = Tree.<Order>named("Validate")
      .parallelFailFast()                // the first FAIL cancels the others
          .condition(order -> order.items.size() <= 10)   // FAIL(false) for big orders
          .call(order -> slow("address check"))
      .end()
      .build();
  // end-snippet

  // snippet:node-race
  static final Tree<Order> FASTEST = Tree.<Order>named("Fastest")
      .race()                            // first OK wins; the others are cancelled
          .call(order -> slow("mirror 1"))
          .call(order -> "mirror 2")
      .end()
      .build();
  // end-snippet

  // snippet:node-if-else
  static final Tree<Order> SHIPPING = Tree.<Order>named("Shipping")
      .when(order -> order.express)
          .call(order -> "courier")
      .orElse()
          .call(order -> "post")
      .build();
  // end-snippet

  // snippet:node-force
  static final Tree<Order> BEST_EFFORT = Tree.<Order>named("BestEffort")
      .sequence()
          .forceOk().failure(order -> "optional step failed")     // OK("optional step failed")
          .invert().condition(order -> order.items.isEmpty())     // OK(false)
          .returning(order -> order.id).call(order -> "ignored")  // OK("o-1")
      .end()
      .build();

  static final Tree<Order> NOT_YET = Tree.<Order>named("NotYet")
      .forceFail().call(order -> "draft")                          // FAIL("draft")
      .build();
  // end-snippet

  // snippet:node-retry
  static final Tree<Order> RETRIED = Tree.<Order>named("Retried")
      .retry(RetryPolicy.tries(4)
              .backoff(Backoff.exponential(Duration.ofMillis(10), 2, Duration.ofSeconds(1))
                  .withJitter(0.2))
              .retryIf(failure -> !"invalid".equals(failure)))
          .call(NodeSnippets::flaky)
      .build();
  // end-snippet

  // snippet:node-while
  static final Tree<Order> PAGES = Tree.<Order>named("Pages")
      .repeatWhile(order -> order.page < 3, 100)    // FAIL if still true after 100 loops
          .call(order -> "page " + ++order.page)
      .build();
  // end-snippet

  // snippet:node-timeout
  static final Tree<Order> DEADLINE = Tree.<Order>named("Deadline")
      .timeout(Duration.ofMillis(50))
          .call(order -> slow("full answer"))
      .fallback()
          .call(order -> "short answer")
      .build();
  // end-snippet

  // snippet:node-cacher
  static final Tree<Order> CACHED = Tree.<Order>named("Cached")
      .cache(CachePolicy.<Order>key(order -> "status:" + order.id)
              .ttlBetween(Duration.ofMinutes(5), Duration.ofMinutes(10)) // spread expiries
              .validator(order -> order.items.size())   // a different size invalidates
              .singleFlight(Duration.ofSeconds(5))       // one computation at a time per key
              .as(String.class))
          .call(order -> lookUp(order.id))
      .build();
  // end-snippet
  // spotless:on

  /** Runs every snippet tree once; the test checks what they returned. */
  static List<Result> runAll(Order order) {
    List<Result> results = new ArrayList<>();
    for (Tree<Order> tree :
        List.of(
            CALLS,
            LEAVES,
            WITH_SUBTREES,
            PARSE,
            CHECK_ALL,
            STATUS,
            AB_TEST,
            ENRICH,
            VALIDATE,
            FASTEST,
            SHIPPING,
            BEST_EFFORT,
            NOT_YET,
            RETRIED,
            PAGES,
            DEADLINE,
            CACHED)) {
      results.add(tree.run(order));
    }
    return results;
  }
}
