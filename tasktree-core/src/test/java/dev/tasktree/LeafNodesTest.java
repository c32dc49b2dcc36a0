package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.spi.Node;
import dev.tasktree.spi.NodeContext;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Status;
import dev.tasktree.trace.Trace;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeafNodesTest {

  private final InMemoryTraceSink traces = new InMemoryTraceSink();
  private final RunOptions options = RunOptions.defaults().withTraceSink(traces);

  private Span only(String kind) {
    List<Span> spans = traces.last().spansOfKind(kind);
    assertThat(spans).hasSize(1);
    return spans.getFirst();
  }

  @Test
  void theRunsClockStampsTheTraceAndIsWhatNodesSee() {
    java.time.Instant fixed = java.time.Instant.parse("2030-05-06T07:08:09.123456Z");
    java.time.Clock clock = java.time.Clock.fixed(fixed, java.time.ZoneOffset.UTC);
    Tree<Board> tree = Tree.<Board>named("T").call((b, ctx) -> ctx.clock().instant()).build();
    assertThat(tree.run(new Board(), options.withClock(clock))).isEqualTo(Result.ok(fixed));
    Trace trace = traces.last();
    assertThat(trace.summary().start()).isEqualTo(fixed);
    assertThat(trace.summary().traceId()).startsWith("20300506T070809123456Z-t-");
    assertThat(trace.spans()).allSatisfy(s -> assertThat(s.start()).isEqualTo(fixed));
  }

  @Test
  void callWithoutArgumentWrapsTheValueInOk() {
    Tree<Board> tree = Tree.<Board>named("T").call(() -> "hello").build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("hello"));
  }

  @Test
  void callWithBlackboardSeesTheBlackboard() {
    Tree<Board> tree = Tree.<Board>named("T").call(b -> b.text + "!").build();
    assertThat(tree.run(new Board("hi"), options)).isEqualTo(Result.ok("hi!"));
  }

  @Test
  void callWithContextCanLogAndSetAttributes() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .call(
                (b, ctx) -> {
                  ctx.log(LogLevel.WARN, "careful");
                  ctx.attribute("items", List.of(1, 2, 3));
                  return ctx.path();
                })
            .build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("T > Call"));
    Span call = only("Call");
    assertThat(call.logs())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.level()).isEqualTo(LogLevel.WARN);
              assertThat(l.message()).isEqualTo("careful");
            });
    assertThat(call.attribute("items").isArray()).isTrue();
    assertThat(call.attribute("items").get(2).asInt()).isEqualTo(3);
  }

  @Test
  void returningAResultPassesItThrough() {
    Tree<Board> tree = Tree.<Board>named("T").call(() -> Result.fail("nope")).build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.fail("nope"));
    assertThat(only("Call").status()).isEqualTo(Status.FAIL);
    assertThat(only("Call").error()).isNull();
  }

  @Test
  void anExceptionFailsTheNodeKeepsItAsDataAndIsRecorded() {
    IOException boom = new IOException("disk on fire");
    Tree<Board> tree =
        Tree.<Board>named("T")
            .call(
                () -> {
                  throw boom;
                })
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result).isEqualTo(Result.fail(boom));
    Span call = only("Call");
    assertThat(call.status()).isEqualTo(Status.FAIL);
    assertThat(call.error().type()).isEqualTo("java.io.IOException");
    assertThat(call.error().message()).isEqualTo("disk on fire");
    assertThat(call.error().stack()).contains("LeafNodesTest");
    assertThat(call.data().get("message").asText()).isEqualTo("disk on fire");
    assertThat(traces.last().summary().errorCount()).isEqualTo(1);
  }

  @Test
  void customNodeUsesItsNameAndKind() {
    Node<Board> node =
        new Node<>() {
          @Override
          public Result execute(Board blackboard, NodeContext context) {
            return Result.ok(context.path());
          }

          @Override
          public String name() {
            return "gpt-x";
          }

          @Override
          public String kind() {
            return "LLM";
          }
        };
    Tree<Board> tree = Tree.<Board>named("T").node(node).build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok("T > gpt-x"));
    assertThat(only("LLM").name()).isEqualTo("gpt-x");
  }

  @Test
  void logRecordsAtItsLevelAndIsOk() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .sequence()
            .log("step one")
            .log(LogLevel.DEBUG, b -> "text=" + b.text)
            .end()
            .build();
    assertThat(tree.run(new Board("x"), options)).isEqualTo(Result.ok());
    List<Span> logs = traces.last().spansOfKind("Log");
    assertThat(logs.get(0).logs().getFirst().message()).isEqualTo("step one");
    assertThat(logs.get(0).logs().getFirst().level()).isEqualTo(LogLevel.INFO);
    assertThat(logs.get(1).logs().getFirst().message()).isEqualTo("text=x");
    assertThat(logs.get(1).logs().getFirst().level()).isEqualTo(LogLevel.DEBUG);
  }

  @Test
  void todoIsOkAndSaysTodo() {
    Tree<Board> tree = Tree.<Board>named("T").todo("call the model").build();
    assertThat(tree.run(new Board(), options)).isEqualTo(Result.ok());
    assertThat(only("Todo").logs().getFirst().message()).isEqualTo("TODO: call the model");
  }

  @Test
  void failureFails() {
    assertThat(Tree.<Board>named("T").failure().build().run(new Board(), options))
        .isEqualTo(Result.fail());
    assertThat(Tree.<Board>named("T").failure(b -> b.text).build().run(new Board("why"), options))
        .isEqualTo(Result.fail("why"));
  }

  @Test
  void showBlackboardReturnsItAndTheTraceHoldsItAsJson() {
    Board board = new Board("shown");
    Result result = Tree.<Board>named("T").showBlackboard().build().run(board, options);
    assertThat(result.data()).isSameAs(board);
    assertThat(only("ShowBlackboard").data().get("text").asText()).isEqualTo("shown");
  }

  @Test
  void writeBlackboardWritesThePreviousData() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .sequence()
            .call(() -> "answer")
            .writeBlackboard(Board::setText)
            .end()
            .build();
    Board board = new Board();
    assertThat(tree.run(board, options)).isEqualTo(Result.ok("answer"));
    assertThat(board.text).isEqualTo("answer");
  }

  @Test
  void writeBlackboardWithoutPreviousResultFails() {
    Tree<Board> tree = Tree.<Board>named("T").writeBlackboard(Board::setText).build();
    Result result = tree.run(new Board(), options);
    assertThat(result.isOk()).isFalse();
    assertThat(result.data()).isInstanceOf(IllegalStateException.class);
    assertThat(((Exception) result.data()).getMessage()).contains("no previous result");
  }

  @Test
  void writeBlackboardWithTheWrongTypeFailsClearly() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .sequence()
            .call(() -> 42)
            .writeBlackboard(Board::setText)
            .end()
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result.isOk()).isFalse();
    assertThat(((Exception) result.data()).getMessage())
        .contains("does not accept")
        .contains("java.lang.Integer");
  }

  @Test
  void conditionIsOkTrueOrFailFalse() {
    Tree<Board> tree = Tree.<Board>named("T").condition(Board::isFlag).build();
    Board board = new Board();
    assertThat(tree.run(board, options)).isEqualTo(Result.fail(false));
    board.flag = true;
    assertThat(tree.run(board, options)).isEqualTo(Result.ok(true));
  }

  @Test
  void conditionThatThrowsFailsWithTheException() {
    Tree<Board> tree =
        Tree.<Board>named("T")
            .condition(
                b -> {
                  throw new IllegalStateException("cannot tell");
                })
            .build();
    Result result = tree.run(new Board(), options);
    assertThat(result.data()).isInstanceOf(IllegalStateException.class);
    assertThat(only("Condition").error().message()).isEqualTo("cannot tell");
  }

  @Test
  void subtreeSharesOrDerivesTheBlackboardAndShowsAsItsOwnSpan() {
    Tree<String> shout = Tree.<String>named("Shout").call(s -> s.toUpperCase()).build();
    Tree<Board> tree =
        Tree.<Board>named("Main")
            .sequence()
            .subtree(shout, b -> b.text)
            .writeBlackboard(Board::setText)
            .end()
            .build();
    Board board = new Board("quiet");
    assertThat(tree.run(board, options)).isEqualTo(Result.ok("QUIET"));
    assertThat(board.text).isEqualTo("QUIET");
    Span sub = only("Subtree");
    assertThat(sub.name()).isEqualTo("Shout");
    assertThat(sub.children())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo("Call");
              assertThat(c.path()).isEqualTo("Main > Sequence > Shout[0] > Call");
            });
  }

  @Test
  void parseJsonFromPreviousResultStripsFencesAndToleratesSloppyJson() {
    String reply =
        "Sure! Here it is:\n```json\n{\n  // the user\n  'name': 'Ada',\n  \"tags\": [\"a\", \"b\",],\n}\n```\n";
    Tree<Board> tree =
        Tree.<Board>named("T")
            .sequence()
            .call(() -> reply)
            .parseJson()
            .writeBlackboard(Board::setValue)
            .end()
            .build();
    Board board = new Board();
    assertThat(tree.run(board, options).isOk()).isTrue();
    assertThat(board.value).isEqualTo(Map.of("name", "Ada", "tags", List.of("a", "b")));
  }

  record Person(String name, int age) {}

  @Test
  void parseJsonFromTheBlackboardIntoATypeAndADestination() {
    Tree<Board> tree =
        Tree.<Board>named("T").parseJson(Board::getText, Person.class, Board::setValue).build();
    Board board = new Board("The answer is {\"name\": \"Linus\", \"age\": 55} as requested.");
    Result result = tree.run(board, options);
    assertThat(result).isEqualTo(Result.ok(new Person("Linus", 55)));
    assertThat(board.value).isEqualTo(new Person("Linus", 55));
  }

  @Test
  void parseJsonOfGarbageFailsWithTheParseError() {
    Tree<Board> tree = Tree.<Board>named("T").parseJson(Board::getText, Person.class, null).build();
    Result result = tree.run(new Board("no json here"), options);
    assertThat(result.isOk()).isFalse();
    assertThat(((Exception) result.data()).getMessage()).startsWith("not JSON");
    assertThat(only("ParseJson").attribute("input").asText()).isEqualTo("no json here");
  }
}
