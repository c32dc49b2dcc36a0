package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.spi.NodeInfo;
import dev.tasktree.spi.NodeVisitor;
import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.JsonlTraceWriter;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceJson;
import dev.tasktree.trace.TraceReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tree.shape(): the static tree, in the API and on the trace's first line (format v2). */
class ShapeTest {

  @TempDir Path dir;

  // spotless:off
  private static final Tree<Board> INNER = Tree.<Board>named("Inner")
      .sequence()
          .log("in")
          .call(b -> "x")
      .end()
      .build();

  private static Tree<Board> answer() {
    return Tree.<Board>named("Answer")
        .sequence()
            .selector()
                .timeout(Duration.ofSeconds(20)).call(b -> { throw new IllegalStateException("no"); })
                .fallback().call(b -> "fallback")
                .retry(3).call(b -> "second")
            .end()
            .when(b -> false).call(b -> "never")
            .orElse().subtree(INNER)
        .end()
        .build();
  }
  // spotless:on

  @Test
  void theShapeIsTheStaticTreeWithKindsNamesPathsAndDetails() {
    NodeInfo shape = answer().shape();
    assertThat(shape.kind()).isEqualTo("Tree");
    assertThat(shape.name()).isEqualTo("Answer");
    assertThat(shape.path()).isEqualTo("Answer");
    assertThat(shape.flatten().stream().map(NodeInfo::path))
        .containsExactly(
            "Answer",
            "Answer > Sequence",
            "Answer > Sequence > Selector[0]",
            "Answer > Sequence > Selector[0] > Timeout[0]",
            "Answer > Sequence > Selector[0] > Timeout[0] > Call[0]",
            "Answer > Sequence > Selector[0] > Timeout[0] > Call[1]",
            "Answer > Sequence > Selector[0] > Retry[1]",
            "Answer > Sequence > Selector[0] > Retry[1] > Call",
            "Answer > Sequence > When[1]",
            "Answer > Sequence > When[1] > Call[0]",
            "Answer > Sequence > When[1] > Inner[1]",
            "Answer > Sequence > When[1] > Inner[1] > Sequence",
            "Answer > Sequence > When[1] > Inner[1] > Sequence > Log[0]",
            "Answer > Sequence > When[1] > Inner[1] > Sequence > Call[1]");
    NodeInfo timeout = shape.flatten().get(3);
    assertThat(timeout.kind()).isEqualTo("Timeout");
    assertThat(timeout.details().get("timeout").asText()).isEqualTo("PT20S");
    assertThat(timeout.details().get("fallback").asBoolean()).isTrue();
    NodeInfo retry = shape.flatten().get(6);
    assertThat(retry.details().get("maxTries").asInt()).isEqualTo(3);
    assertThat(shape.flatten().get(10).kind()).isEqualTo("Subtree");
  }

  @Test
  void everySpanOfARunFindsItsNodeInTheShapeByPath() {
    InMemoryTraceSink sink = new InMemoryTraceSink();
    Tree<Board> tree = answer();
    tree.run(new Board(), RunOptions.defaults().withTraceSink(sink));
    Set<String> shapePaths =
        tree.shape().flatten().stream().map(NodeInfo::path).collect(Collectors.toSet());
    List<String> spanPaths = sink.last().spans().map(Span::path).toList();
    assertThat(spanPaths).hasSizeGreaterThan(8);
    assertThat(shapePaths).containsAll(spanPaths);
  }

  @Test
  void theShapeIsReadOnly() {
    NodeInfo timeout = answer().shape().flatten().get(3);
    timeout.details().get("timeout"); // a copy
    JsonNode copy = timeout.details().get("fallback");
    assertThat(copy).isNotNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> timeout.details().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> timeout.children().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aVisitorEntersAndLeavesInOrderAndCanSkipChildren() {
    List<String> seen = new ArrayList<>();
    answer()
        .shape()
        .accept(
            new NodeVisitor() {
              @Override
              public boolean enter(NodeInfo node) {
                seen.add("+" + node.name());
                return !node.kind().equals("Selector");
              }

              @Override
              public void leave(NodeInfo node) {
                seen.add("-" + node.name());
              }
            });
    assertThat(seen)
        .startsWith("+Answer", "+Sequence", "+Selector", "-Selector", "+When")
        .endsWith("-Inner", "-When", "-Sequence", "-Answer");
  }

  @Test
  void theTracesFirstLineCarriesTheShapeAndTheReaderReadsItBack() throws Exception {
    Tree<Board> tree = answer();
    try (JsonlTraceWriter writer =
        JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofSeconds(2))) {
      tree.run(new Board(), RunOptions.defaults().withTraceSink(writer));
      assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
    }
    Path file;
    try (var files = Files.list(dir)) {
      file = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    JsonNode first = TraceJson.newMapper().readTree(Files.readAllLines(file).getFirst());
    assertThat(first.path("v").asInt()).isEqualTo(2);
    assertThat(first.path("shape")).isEqualTo(tree.shape().toJson());
    Trace trace = new TraceReader().read(file);
    assertThat(trace.shape()).isEqualTo(tree.shape());
  }

  /**
   * The encoded shape is cached per shape instance: with more trees than the cache has slots (so
   * some share a slot) and runs interleaved, every trace still carries its own tree's shape.
   */
  @Test
  void everyTraceCarriesItsOwnTreesShapeWhenManyTreesTakeTurns() throws Exception {
    List<Tree<Board>> trees = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      TreeBuilder<Board> b = Tree.<Board>named("T" + i).sequence();
      for (int leaf = 0; leaf <= i % 7; leaf++) {
        b.call(x -> "v");
      }
      trees.add(b.end().build());
    }
    try (JsonlTraceWriter writer =
        JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofSeconds(2))) {
      RunOptions traced = RunOptions.defaults().withTraceSink(writer);
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < trees.size(); i++) {
          trees.get((i * 37 + round) % trees.size()).run(new Board(), traced);
        }
      }
      assertThat(writer.flush(Duration.ofSeconds(30))).isTrue();
    }
    List<Path> files;
    try (var list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".jsonl")).toList();
    }
    assertThat(files).hasSize(200);
    for (Path file : files) {
      JsonNode first = TraceJson.newMapper().readTree(Files.readAllLines(file).getFirst());
      int i = Integer.parseInt(first.path("name").asText().substring(1));
      assertThat(first.path("shape")).as(file.toString()).isEqualTo(trees.get(i).shape().toJson());
    }
  }

  @Test
  void theReaderStillReadsVersionOneTracesWithoutAShape() throws Exception {
    String v1 =
        """
        {"v":1,"type":"trace","id":"20260101T000000000000Z-old-00000000","name":"Old","time":"2026-01-01T00:00:00.000000Z"}
        {"type":"start","span":"1","parent":null,"name":"Old","kind":"Tree","path":"Old","time":"2026-01-01T00:00:00.000000Z"}
        {"type":"end","span":"1","time":"2026-01-01T00:00:00.001000Z","status":"OK","data":"done"}
        {"type":"trace_end","time":"2026-01-01T00:00:00.001000Z","status":"OK","data":"done"}
        """;
    Trace trace =
        new TraceReader()
            .read(new ByteArrayInputStream(v1.getBytes(StandardCharsets.UTF_8)), "old.jsonl");
    assertThat(trace.shape()).isNull();
    assertThat(trace.data().asText()).isEqualTo("done");
    assertThat(trace.roots()).singleElement().extracting(Span::name).isEqualTo("Old");
  }

  @Test
  void aShapeSurvivesJsonBothWays() {
    NodeInfo shape = answer().shape();
    assertThat(NodeInfo.fromJson(shape.toJson())).isEqualTo(shape);
  }
}
