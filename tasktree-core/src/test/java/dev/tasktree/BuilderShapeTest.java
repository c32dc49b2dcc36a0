package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Malformed trees fail at build() with every problem and the node's path. */
class BuilderShapeTest {

  private static TreeShapeException shapeError(Runnable build) {
    try {
      build.run();
    } catch (TreeShapeException e) {
      return e;
    }
    throw new AssertionError("expected a TreeShapeException");
  }

  @Test
  void decoratorWithoutChild() {
    TreeShapeException e =
        shapeError(
            () -> Tree.<Board>named("Answer").sequence().call(() -> 1).retry(3).end().build());
    assertThat(e.problems()).contains("Answer > Sequence > Retry[1]: expects one child, found 0");
  }

  @Test
  void decoratorAtTheEndOfTheTree() {
    TreeShapeException e =
        shapeError(() -> Tree.<Board>named("T").timeout(Duration.ofSeconds(1)).build());
    assertThat(e.problems()).contains("T > Timeout: expects one child, found 0");
  }

  @Test
  void emptyComposite() {
    TreeShapeException e =
        shapeError(
            () -> Tree.<Board>named("T").sequence().selector().end().call(() -> 1).end().build());
    assertThat(e.problems())
        .containsExactly("T > Sequence > Selector[0]: expects at least one child, found none");
  }

  @Test
  void unclosedComposite() {
    TreeShapeException e =
        shapeError(() -> Tree.<Board>named("T").sequence().call(() -> 1).build());
    assertThat(e.problems()).containsExactly("T > Sequence: not closed; call end()");
  }

  @Test
  void endWithoutOpenComposite() {
    TreeShapeException e = shapeError(() -> Tree.<Board>named("T").call(() -> 1).end().build());
    assertThat(e.problems()).containsExactly("T: end() without an open composite");
  }

  @Test
  void twoRootNodes() {
    TreeShapeException e =
        shapeError(() -> Tree.<Board>named("T").call(() -> 1).call(() -> 2).build());
    assertThat(e.problems())
        .containsExactly("T: a tree has exactly one root node, found 2 (put them in a sequence())");
  }

  @Test
  void elseOutsideIf() {
    TreeShapeException e =
        shapeError(
            () ->
                Tree.<Board>named("T")
                    .sequence()
                    .call(() -> 1)
                    .orElse()
                    .call(() -> 2)
                    .end()
                    .build());
    assertThat(e.problems())
        .containsExactly("T > Sequence > OrElse[1]: orElse() must directly follow a When");
  }

  @Test
  void elseMustBeTheSecondBranchOfItsIf() {
    TreeShapeException e =
        shapeError(
            () ->
                Tree.<Board>named("T")
                    .sequence()
                    .when(b -> true)
                    .call(() -> 1)
                    .call(() -> "between")
                    .orElse()
                    .call(() -> 2)
                    .end()
                    .build());
    assertThat(e.problems())
        .containsExactly("T > Sequence > OrElse[2]: orElse() must directly follow a When");
  }

  @Test
  void twoElsesForOneIf() {
    TreeShapeException e =
        shapeError(
            () ->
                Tree.<Board>named("T")
                    .sequence()
                    .when(b -> true)
                    .call(() -> 1)
                    .orElse()
                    .call(() -> 2)
                    .orElse()
                    .call(() -> 3)
                    .end()
                    .build());
    assertThat(e.problems()).singleElement().asString().contains("When already has an orElse()");
  }

  @Test
  void fallbackOutsideTimeoutOrTerminable() {
    TreeShapeException e =
        shapeError(
            () ->
                Tree.<Board>named("T")
                    .sequence()
                    .retry(2)
                    .call(() -> 1)
                    .fallback()
                    .call(() -> 2)
                    .end()
                    .build());
    assertThat(e.problems())
        .containsExactly(
            "T > Sequence > Fallback[1]: fallback() must directly follow a Timeout, Terminable or Approval");
  }

  @Test
  void fallbackAsTheTimeoutsOwnChild() {
    TreeShapeException e =
        shapeError(
            () ->
                Tree.<Board>named("T")
                    .timeout(Duration.ofSeconds(1))
                    .fallback()
                    .call(() -> 2)
                    .build());
    assertThat(e.problems())
        .contains(
            "T > Timeout > Fallback: fallback() must directly follow a Timeout, Terminable or Approval");
  }

  @Test
  void nonPositiveConcurrencyLimits() {
    Tree<Integer> item = Tree.<Integer>named("Item").call(i -> i).build();
    TreeShapeException e =
        shapeError(
            () ->
                Tree.<Board>named("T")
                    .sequence()
                    .parallel(0)
                    .call(() -> 1)
                    .end()
                    .gather(b -> java.util.List.of(1), item, -1)
                    .end()
                    .build());
    assertThat(e.problems())
        .containsExactly(
            "T > Sequence > Parallel[0]: concurrency limit must be positive, found 0",
            "T > Sequence > Gather[1]: concurrency limit must be positive, found -1");
  }

  @Test
  void weightsThatDoNotMatchTheChildren() {
    TreeShapeException e =
        shapeError(
            () ->
                Tree.<Board>named("T")
                    .randomSelector(1, 2, 3)
                    .call(() -> 1)
                    .call(() -> 2)
                    .end()
                    .build());
    assertThat(e.problems())
        .containsExactly("T > RandomSelector: expects 2 weights (one per child), found 3");
    TreeShapeException negative =
        shapeError(
            () ->
                Tree.<Board>named("T")
                    .randomSelector(1, -2)
                    .call(() -> 1)
                    .call(() -> 2)
                    .end()
                    .build());
    assertThat(negative.problems().getFirst()).contains("weights must be positive");
  }

  @Test
  void nonPositiveTimeoutAndLoopLimit() {
    TreeShapeException e =
        shapeError(
            () ->
                Tree.<Board>named("T")
                    .sequence()
                    .timeout(Duration.ZERO)
                    .call(() -> 1)
                    .repeatWhile(b -> true, 0)
                    .call(() -> 1)
                    .end()
                    .build());
    assertThat(e.problems())
        .containsExactly(
            "T > Sequence > Timeout[0]: timeout must be positive, found PT0S",
            "T > Sequence > RepeatWhile[1]: maxLoops must be positive, found 0");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    TreeShapeException e =
        shapeError(
            () -> Tree.<Board>named("T").sequence().retry(1).end().selector().end().end().build());
    assertThat(e.problems()).hasSize(3);
    assertThat(e.getMessage()).startsWith("tree 'T' is malformed:");
  }

  @Test
  void aDanglingNameIsReported() {
    TreeShapeException e =
        shapeError(
            () -> Tree.<Board>named("T").sequence().call(() -> 1).name("orphan").end().build());
    assertThat(e.problems()).singleElement().asString().contains("name(\"orphan\")");
  }

  @Test
  void usingABuilderAfterBuildFailsAtOnceWithAClearMessage() {
    TreeBuilder<Board> builder = Tree.<Board>named("T").call(() -> 1);
    builder.build();
    assertThatThrownBy(() -> builder.call(() -> 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has already built its tree");
    assertThatThrownBy(builder::build).hasMessageContaining("has already built its tree");
  }

  @Test
  void namesAndIndexesMakeEveryPathUnique() {
    Tree<Board> tree =
        Tree.<Board>named("Answer")
            .sequence()
            .selector()
            .name("Primary")
            .timeout(Duration.ofSeconds(20))
            .call(() -> Result.fail("x"))
            .timeout(Duration.ofSeconds(20))
            .call(() -> "y")
            .end()
            .writeBlackboard(Board::setText)
            .end()
            .build();
    var traces = new dev.tasktree.trace.InMemoryTraceSink();
    tree.run(new Board(), RunOptions.defaults().withTraceSink(traces));
    assertThat(traces.last().spans().map(dev.tasktree.trace.Span::path))
        .containsExactly(
            "Answer",
            "Answer > Sequence",
            "Answer > Sequence > Selector[0]",
            "Answer > Sequence > Selector[0] > Primary[0]",
            "Answer > Sequence > Selector[0] > Primary[0] > Call",
            "Answer > Sequence > Selector[0] > Timeout[1]",
            "Answer > Sequence > Selector[0] > Timeout[1] > Call",
            "Answer > Sequence > WriteBlackboard[1]");
  }

  @Test
  void describeShowsTheShape() {
    Tree<Board> tree =
        Tree.<Board>named("Answer")
            .sequence()
            .selector()
            .timeout(Duration.ofSeconds(20))
            .call(() -> 1)
            .fallback()
            .log("timed out")
            .cache(CachePolicy.key(Board::getText).ttl(Duration.ofMinutes(5)))
            .call(() -> 2)
            .end()
            .writeBlackboard(Board::setText)
            .end()
            .build();
    assertThat(tree.describe())
        .isEqualTo(
            """
            Answer
            └─ Sequence
               ├─ Selector
               │  ├─ Timeout [20s]
               │  │  ├─ Call
               │  │  └─ Log [INFO]
               │  └─ Cache [ttl 5m]
               │     └─ Call
               └─ WriteBlackboard
            """);
  }
}
