package dev.tasktree.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every event to several sinks in order (see {@link TraceSink#all}). A sink that throws,
 * against the {@link TraceSink} contract, is reported once through SLF4J and never keeps the event
 * from the sinks after it, nor reaches the run.
 */
final class TeeTraceSink implements TraceSink {

  private static final Logger LOG = LoggerFactory.getLogger(TeeTraceSink.class);

  private final TraceSink[] sinks;
  private final Set<TraceSink> reported = ConcurrentHashMap.newKeySet();

  private TeeTraceSink(List<TraceSink> sinks) {
    this.sinks = sinks.toArray(TraceSink[]::new);
  }

  /** The enabled sinks among {@code sinks}, nested tees flattened; none, one, or a tee of them. */
  static TraceSink of(TraceSink... sinks) {
    List<TraceSink> enabled = new ArrayList<>();
    for (TraceSink sink : sinks) {
      if (sink == null) {
        throw new NullPointerException("a trace sink is null");
      }
      if (sink instanceof TeeTraceSink tee) {
        enabled.addAll(List.of(tee.sinks));
      } else if (sink.enabled() && !enabled.contains(sink)) {
        enabled.add(sink);
      }
    }
    return switch (enabled.size()) {
      case 0 -> TraceSink.none();
      case 1 -> enabled.getFirst();
      default -> new TeeTraceSink(enabled);
    };
  }

  /** The sinks events go to, in order. */
  List<TraceSink> sinks() {
    return List.of(sinks);
  }

  @Override
  public void emit(TraceEvent event) {
    for (TraceSink sink : sinks) {
      try {
        sink.emit(event);
      } catch (RuntimeException e) {
        if (reported.add(sink)) {
          LOG.warn("trace sink {} threw; its events may be incomplete", sink, e);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "TraceSink.all" + List.of(sinks);
  }
}
