package dev.tasktree.otel;

import dev.tasktree.spi.RunInterceptor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenTelemetry side of one run: the context it started in (its parent), the open OTel span of
 * every open TaskTree span, and what a node's thread makes current while the node's code runs.
 */
final class RunSpans implements RunInterceptor.Run {

  /** An open OTel span with the context that has it current, and what its metrics need. */
  record Open(Span span, Context context, String kind, String name, Instant start, long thread) {}

  final String traceId;
  final String treeName;
  final Context parent;
  final Map<String, Open> open = new ConcurrentHashMap<>();

  /**
   * The contexts of spans whose children run on forked threads (Gather, Parallel, Race, Timeout):
   * kept after those spans end, because an abandoned child may start its span late — after its
   * parent, even after the run, ended — and must still nest under the right parent.
   */
  final Map<String, Context> forkParents = new ConcurrentHashMap<>();

  private final OtelTraceSink sink;

  /** The root span when started ahead of the trace (so its ids go into the first event). */
  volatile Span root;

  RunSpans(OtelTraceSink sink, String traceId, String treeName, Context parent) {
    this.sink = sink;
    this.traceId = traceId;
    this.treeName = treeName;
    this.parent = parent;
  }

  @Override
  public Map<String, Object> traceAttributes() {
    return sink.startRoot(this);
  }

  @Override
  public RunInterceptor.Entered enter(String spanId) {
    Open span = spanId == null ? null : open.get(spanId);
    if (span != null
        && span.thread() != Thread.currentThread().threadId()
        && !forkParents.containsKey(spanId)) {
      forkParents.putIfAbsent(spanId, span.context()); // a forked thread continues this span
    }
    Scope scope = (span == null ? parent : span.context()).makeCurrent();
    return scope::close;
  }

  /** The context a child of span {@code spanId} starts in. */
  Context childContext(String spanId) {
    Open up = open.get(spanId);
    if (up != null) {
      return up.context();
    }
    Context forked = forkParents.get(spanId);
    return forked != null ? forked : parent;
  }

  @Override
  public void end() {
    sink.runEnded(this, null);
  }
}
