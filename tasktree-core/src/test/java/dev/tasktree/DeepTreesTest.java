package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Status;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, defect 5: 2,000 nested sequences threw StackOverflowError out of {@code run()}, 5,000
 * out of {@code build()}. Now build() rejects trees nesting deeper than its documented limit (256)
 * with a clear message, every tree that builds runs, and a stack overflow in user code is a FAIL.
 */
class DeepTreesTest {

  private static final int LIMIT = 256;

  private static TreeBuilder<Board> nested(String name, int depth) {
    return nested(name, depth, builder -> builder.call(b -> "leaf"));
  }

  private static TreeBuilder<Board> nested(
      String name, int depth, java.util.function.Consumer<TreeBuilder<Board>> leaf) {
    TreeBuilder<Board> builder = Tree.named(name);
    for (int i = 0; i < depth; i++) {
      builder.sequence();
    }
    leaf.accept(builder);
    for (int i = 0; i < depth; i++) {
      builder.end();
    }
    return builder;
  }

  @Test
  void twoThousandNestedSequencesAreRejectedByBuildWithTheLimit() {
    assertThatThrownBy(() -> nested("Deep", 2_000).build())
        .isInstanceOf(TreeShapeException.class)
        .hasMessageContaining("Deep: nodes nest 2001 levels deep")
        .hasMessageContaining("the limit is " + LIMIT);
  }

  @Test
  void fiveThousandNestedSequencesAreRejectedWithoutAStackOverflow() {
    TreeShapeException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            TreeShapeException.class, () -> nested("Deeper", 5_000).build());
    assertThat(e.problems()).singleElement().asString().contains("the limit is " + LIMIT);
  }

  @Test
  void theDeepestTreeThatBuildsRunsTracedDescribedAndShaped() {
    Tree<Board> tree = nested("Limit", LIMIT - 1).build();
    InMemoryTraceSink sink = new InMemoryTraceSink();
    assertThat(tree.run(new Board(), RunOptions.defaults().withTraceSink(sink)))
        .isEqualTo(Result.ok("leaf"));
    assertThat(sink.last().summary().status()).isEqualTo(Status.OK);
    assertThat(sink.last().summary().spanCount()).isEqualTo(LIMIT + 1);
    assertThat(tree.describe().lines()).hasSize(LIMIT + 1);
    assertThat(tree.shape().flatten()).hasSize(LIMIT + 1);
    assertThat(sink.last().shape()).isEqualTo(tree.shape());
  }

  @Test
  void subtreesCountTowardsTheDepth() {
    Tree<Board> half = nested("Half", 200).build();
    assertThat(nested("Fits", 50, b -> b.subtree(half)).build().shape().flatten())
        .hasSize(50 + 1 + 201 + 1);
    assertThatThrownBy(() -> nested("Outer", 100, b -> b.subtree(half)).build())
        .isInstanceOf(TreeShapeException.class)
        .hasMessageContaining("subtrees included")
        .hasMessageContaining("the limit is " + LIMIT);
  }

  @Test
  void aStackOverflowInUserCodeIsAFailNotAThrow() {
    Tree<Board> tree = Tree.<Board>named("Recursing").call(b -> recurse(0)).build();
    Result result = tree.run(new Board());
    assertThat(result.isOk()).isFalse();
    assertThat(result.data()).isInstanceOf(StackOverflowError.class);
  }

  private static int recurse(int n) {
    return recurse(n + 1) + 1;
  }
}
