package dev.tasktree.trace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.spi.NodeInfo;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A whole trace as read back: its summary, the root's result data and the span tree.
 *
 * @param summary totals and status
 * @param data the run's result data (null node while unfinished)
 * @param roots the root spans (one for a healthy trace; more if lines were lost)
 * @param shape the tree's static shape from the first line, or null (format version 1, or a shape
 *     that could not be read)
 */
public record Trace(TraceSummary summary, JsonNode data, List<Span> roots, NodeInfo shape) {

  /** A trace without a shape. */
  public Trace(TraceSummary summary, JsonNode data, List<Span> roots) {
    this(summary, data, roots, null);
  }

  /** Every span, depth first in start order. */
  public Stream<Span> spans() {
    return roots.stream().flatMap(Span::flatten);
  }

  /** The span with this id. */
  public Optional<Span> span(String spanId) {
    return spans().filter(s -> s.spanId().equals(spanId)).findFirst();
  }

  /** Every span of this kind, in start order. */
  public List<Span> spansOfKind(String kind) {
    return spans().filter(s -> s.kind().equals(kind)).toList();
  }
}
