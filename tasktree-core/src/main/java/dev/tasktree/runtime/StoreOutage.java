package dev.tasktree.runtime;

import dev.tasktree.spi.NodeContext;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.LogLevel;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a resilience policy reports that its store failed: every time on the node's span (WARN), and
 * through SLF4J at most once per ten seconds per policy, so an outage does not flood the log.
 */
public final class StoreOutage {

  private static final Logger LOG = LoggerFactory.getLogger("dev.tasktree.resilience");
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private final String policy;
  private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  /** Reports for the policy described as {@code policy}, e.g. {@code circuit breaker 'openai'}. */
  public StoreOutage(String policy) {
    this.policy = policy;
  }

  /** Reports {@code error}, saying what the policy does instead ({@code consequence}). */
  public void report(NodeContext context, StoreException error, String consequence) {
    String message = policy + ": store failed (" + error.getMessage() + "); " + consequence;
    if (context != null) {
      context.log(LogLevel.WARN, message);
    }
    long now = System.nanoTime();
    long last = lastLogged.get();
    if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
      LOG.warn(message);
    }
  }

  /** Logs a state change of the policy through SLF4J. */
  public static void stateChange(String message) {
    LOG.info(message);
  }
}
