package dev.tasktree.redis;

import dev.tasktree.store.StoreException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs commands on the shared connection with a bounded wait, turning every failure (unreachable,
 * rejected while reconnecting, timed out, interrupted, error reply) into a {@link StoreException}
 * whose message names the command and the server, never the password.
 */
final class Commands implements AutoCloseable {

  private final LazyConnection<StatefulRedisConnection<String, String>> connection;
  private final Duration timeout;
  private final String where;

  Commands(
      LazyConnection<StatefulRedisConnection<String, String>> connection,
      Duration timeout,
      String where) {
    this.connection = connection;
    this.timeout = timeout;
    this.where = where;
  }

  /** Sends one command (or a few pipelined ones) and waits at most the command timeout. */
  <T> T call(
      String what, Function<RedisAsyncCommands<String, String>, ? extends Future<T>> command) {
    Future<T> future;
    try {
      future = command.apply(connection.get().async());
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw failure(what, e);
    }
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for Redis " + what + " at " + where, e);
    } catch (ExecutionException e) {
      throw failure(what, e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreException(
          "Redis " + what + " at " + where + " timed out after " + timeout.toMillis() + " ms", e);
    }
  }

  private StoreException failure(String what, Throwable cause) {
    return new StoreException(
        "Redis " + what + " at " + where + " failed: " + LazyConnection.rootCause(cause), cause);
  }

  @Override
  public void close() {
    connection.close();
  }
}
