package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, defect 6: argument errors escaped the report — {@code retry(0)} threw at once, null
 * arguments threw NPEs naming only the parameter, bad names were accepted. Now no verb throws for a
 * bad argument and {@code build()} reports every problem, each with its node path.
 */
class ArgumentErrorsTest {

  @Test
  void everyArgumentErrorGoesThroughTheOneReportWithItsPath() {
    TreeBuilder<Board> builder = Tree.<Board>named("T").sequence();
    builder.retry(0).call(b -> "x");
    builder.timeout(null).call(b -> "y");
    builder.call((Callable<?>) null);
    builder.subtree(null);
    builder.name("").call(b -> 1);
    builder.name("a > b").call(b -> 2);
    builder.name("Item[3]").call(b -> 3);
    builder.when((Predicate<Board>) null).call(b -> 4);
    builder.parallel(0).call(b -> 5).end();
    builder.timeout(Duration.ofSeconds(1)); // and a shape problem: no child before end()
    builder.end();
    TreeShapeException e = catchThrowableOfType(TreeShapeException.class, builder::build);
    assertThat(e.problems())
        .contains(
            "T > Sequence > Retry[0]: maxTries must be at least 1, found 0",
            "T > Sequence > Timeout[1]: timeout must not be null",
            "T > Sequence > Call[2]: function must not be null",
            "T > Sequence > Subtree[3]: tree must not be null",
            "T > Sequence: name must not be blank",
            "T > Sequence: name \"a > b\" must not contain ' > ' (it separates path segments)",
            "T > Sequence: name \"Item[3]\" must not contain an index like [3] (paths add it)",
            "T > Sequence > When[7]: condition must not be null",
            "T > Sequence > Parallel[8]: concurrency limit must be positive, found 0")
        .anyMatch(p -> p.startsWith("T > Sequence > Timeout[9]") && p.contains("child"));
  }

  @Test
  void aBadTreeNameIsReportedByBuildToo() {
    TreeShapeException e =
        catchThrowableOfType(
            TreeShapeException.class,
            () -> Tree.<Board>named("a > b").call(b -> 1).timeout(null).call(b -> 2).build());
    assertThat(e.problems())
        .anyMatch(p -> p.contains("tree name \"a > b\" must not contain ' > '"))
        .anyMatch(p -> p.contains("timeout must not be null"));
  }

  @Test
  void aNodeWhoseOwnNameIsAmbiguousIsReported() {
    dev.tasktree.spi.Node<Board> bad =
        new dev.tasktree.spi.Node<>() {
          @Override
          public Result execute(Board board, dev.tasktree.spi.NodeContext context) {
            return Result.ok();
          }

          @Override
          public String name() {
            return "step > 2";
          }
        };
    TreeShapeException e =
        catchThrowableOfType(
            TreeShapeException.class, () -> Tree.<Board>named("T").node(bad).build());
    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("T > Node: name \"step > 2\" must not contain ' > '");
  }

  @Test
  void namesThatReadBackUnambiguouslyAreAccepted() {
    Tree<Board> tree =
        Tree.<Board>named("xss <b>run</b>").sequence().name("a>b").call(b -> 1).end().build();
    assertThat(tree.shape().flatten().get(2).path()).isEqualTo("xss <b>run</b> > Sequence > a>b");
  }
}
