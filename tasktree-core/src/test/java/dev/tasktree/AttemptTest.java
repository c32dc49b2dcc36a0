package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Issue 10, deliverable 3: NodeContext.attempt() and lastFailure() under Retry and RepeatWhile. */
class AttemptTest {

  @Test
  void insideARetryEveryNodeOfATrySeesItsNumberAndTheLastFailure() {
    List<String> seen = new CopyOnWriteArrayList<>();
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .retry(3)
            .sequence()
                .log("try")
                .call((b, ctx) -> {
                  seen.add(ctx.attempt() + ":" + ctx.lastFailure().map(Result::data).orElse("-"));
                  return ctx.attempt() < 3 ? Result.fail("bad answer " + ctx.attempt()) : "good";
                })
            .end()
        .build();
    // spotless:on
    assertThat(tree.run(new Board())).isEqualTo(Result.ok("good"));
    assertThat(seen).containsExactly("1:-", "2:bad answer 1", "3:bad answer 2");
  }

  @Test
  void anExceptionIsTheLastFailuresData() {
    List<Object> failures = new CopyOnWriteArrayList<>();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .retry(2)
            .call(
                (b, ctx) -> {
                  ctx.lastFailure().ifPresent(f -> failures.add(f.data()));
                  if (ctx.attempt() == 1) {
                    throw new IllegalArgumentException("unparseable");
                  }
                  return "ok";
                })
            .build();
    assertThat(tree.run(new Board())).isEqualTo(Result.ok("ok"));
    assertThat(failures)
        .singleElement()
        .isInstanceOf(IllegalArgumentException.class)
        .hasToString("java.lang.IllegalArgumentException: unparseable");
  }

  @Test
  void theInnermostRetryCountsAndOutsideAnyTheAttemptIsOne() {
    List<String> seen = new CopyOnWriteArrayList<>();
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .sequence()
            .call((b, ctx) -> seen.add("outside " + ctx.attempt() + " " + ctx.lastFailure()))
            .retry(2)
                .sequence()
                    .retry(2).call((b, ctx) -> {
                      seen.add("inner " + ctx.attempt());
                      return Result.fail("x");
                    })
                .end()
        .end()
        .build();
    // spotless:on
    tree.run(new Board());
    assertThat(seen)
        .containsExactly(
            "outside 1 " + Optional.empty(), "inner 1", "inner 2", "inner 1", "inner 2");
  }

  @Test
  void insideARepeatWhileTheAttemptIsTheLoopNumberAndThereIsNoLastFailure() {
    List<String> seen = new CopyOnWriteArrayList<>();
    Board board = new Board();
    Tree<Board> tree =
        Tree.<Board>named("T")
            .repeatWhile(b -> b.count < 3)
            .call(
                (b, ctx) -> {
                  b.count++;
                  seen.add(ctx.attempt() + " " + ctx.lastFailure().isPresent());
                  return b.count;
                })
            .build();
    assertThat(tree.run(board)).isEqualTo(Result.ok(3));
    assertThat(seen).containsExactly("1 false", "2 false", "3 false");
  }

  @Test
  void concurrentChildrenOfATrySeeTheSameAttempt() {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    // spotless:off
    Tree<Board> tree = Tree.<Board>named("T")
        .retry(2)
            .parallel()
                .call((b, ctx) -> seen.add(ctx.attempt()))
                .call((b, ctx) -> {
                  seen.add(ctx.attempt());
                  return ctx.attempt() == 1 ? Result.fail("once") : "ok";
                })
            .end()
        .build();
    // spotless:on
    assertThat(tree.run(new Board()).isOk()).isTrue();
    assertThat(seen).containsExactlyInAnyOrder(1, 1, 2, 2);
  }
}
