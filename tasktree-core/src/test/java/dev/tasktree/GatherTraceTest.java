package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.trace.InMemoryTraceSink;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, defect 4: each Gather item's span was the per-item tree's root node (named Call) and
 * every item had the same path. Now each item is one span named after the per-item tree, kind
 * Subtree, with its index in its path, as semantics.md says.
 */
class GatherTraceTest {

  // spotless:off
  private static final Tree<Board> ENRICH = Tree.<Board>named("Enrich")
      .call(b -> b.text.toUpperCase())
      .build();

  private static final Tree<Board> TREE = Tree.<Board>named("T")
      .gather(b -> List.of(new Board("a"), new Board("b"), new Board("c")), ENRICH, 2)
      .build();
  // spotless:on

  @Test
  void eachItemIsASpanNamedAfterItsTreeWithItsIndexInItsPath() {
    InMemoryTraceSink sink = new InMemoryTraceSink();
    assertThat(TREE.run(new Board(), RunOptions.defaults().withTraceSink(sink)))
        .isEqualTo(Result.ok(List.of("A", "B", "C")));
    Trace trace = sink.last();
    Span gather = trace.spansOfKind("Gather").getFirst();
    assertThat(gather.children()).hasSize(3);
    assertThat(gather.children().stream().map(Span::name)).containsOnly("Enrich");
    assertThat(gather.children().stream().map(Span::kind)).containsOnly("Subtree");
    assertThat(gather.children().stream().map(Span::path))
        .containsExactlyInAnyOrder(
            "T > Gather > Enrich[0]", "T > Gather > Enrich[1]", "T > Gather > Enrich[2]");
    for (Span item : gather.children()) {
      int index = item.attribute("tasktree.index").asInt();
      assertThat(item.path()).endsWith("Enrich[" + index + "]");
      assertThat(item.children())
          .singleElement()
          .satisfies(
              call -> {
                assertThat(call.kind()).isEqualTo("Call");
                assertThat(call.path()).isEqualTo(item.path() + " > Call");
              });
    }
  }

  @Test
  void theShapeShowsThePerItemTreeOnceWithoutAnIndex() {
    assertThat(TREE.shape().flatten().stream().map(n -> n.kind() + " " + n.path()))
        .containsExactly(
            "Tree T",
            "Gather T > Gather",
            "Subtree T > Gather > Enrich",
            "Call T > Gather > Enrich > Call");
    assertThat(TREE.describe())
        .isEqualTo(
            """
        T
        └─ Gather [each item through 'Enrich', limit 2]
           └─ Enrich (Subtree)
              └─ Call
        """);
  }
}
