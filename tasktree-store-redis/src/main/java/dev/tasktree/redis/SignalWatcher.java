package dev.tasktree.redis;

import dev.tasktree.store.Signal;
import dev.tasktree.store.SignalStore;
import dev.tasktree.store.StoreException;
import io.lettuce.core.KeyValue;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches signal keys for subscribed listeners, two ways at once:
 *
 * <pre>
 *   raise() ── SET key ──► poll thread: MGET of every watched key each interval ──┐
 *           └─ PUBLISH ──► pub/sub connection: message on the key's channel ────────┴─► Watch.fire
 * </pre>
 *
 * Pub/sub makes a raise from {@link RedisStore} felt at once; polling catches signals set by plain
 * {@code SET} (redis-cli, other clients), messages lost while the pub/sub connection was down, and
 * signals raised before the watch began. Each watch fires once. Store failures reach each listener
 * once per outage through {@link SignalStore.Listener#onError}; watching goes on and recovers by
 * itself when Redis is back.
 */
final class SignalWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SignalWatcher.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** One listener on one key. Identity matters: a listener may watch the same key twice. */
  private final class Watch implements SignalStore.Subscription {
    final String key;
    final String redisKey;
    final SignalStore.Listener listener;
    final AtomicBoolean done = new AtomicBoolean();
    final AtomicBoolean failing = new AtomicBoolean();

    Watch(String key, String redisKey, SignalStore.Listener listener) {
      this.key = key;
      this.redisKey = redisKey;
      this.listener = listener;
    }

    void fire(String raw) {
      if (done.compareAndSet(false, true)) {
        remove(this);
        Signal signal = SignalValues.decode(key, raw, clock.instant());
        try {
          listener.onSignal(signal);
        } catch (RuntimeException e) {
          LOG.warn("signal listener for '{}' threw", key, e);
        }
      }
    }

    void fail(StoreException error) {
      if (!done.get() && failing.compareAndSet(false, true)) {
        try {
          listener.onError(error);
        } catch (RuntimeException e) {
          LOG.warn("signal listener for '{}' threw on a store error", key, e);
        }
      }
    }

    @Override
    public void close() {
      if (done.compareAndSet(false, true)) {
        remove(this);
      }
    }
  }

  private final Commands commands;
  private final LazyConnection<StatefulRedisPubSubConnection<String, String>> pubSub;
  private final Duration commandTimeout;
  private final Clock clock;

  /** Watches by Redis key (which is also the pub/sub channel). */
  private final Map<String, Set<Watch>> watches = new ConcurrentHashMap<>();

  private final ReentrantLock channelLock = new ReentrantLock();
  private volatile boolean resubscribe;
  private final ScheduledExecutorService poller;
  private final AtomicLong polls = new AtomicLong();

  SignalWatcher(
      Commands commands,
      Supplier<StatefulRedisPubSubConnection<String, String>> openPubSub,
      Duration retryInterval,
      Duration pollInterval,
      Duration commandTimeout,
      Clock clock,
      String where) {
    this.commands = commands;
    this.commandTimeout = commandTimeout;
    this.clock = clock;
    this.pubSub = new LazyConnection<>(openPubSub, this::setUp, retryInterval, where);
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread =
                  new Thread(runnable, "tasktree-redis-signals-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.poller = executor;
    long every = pollInterval.toNanos();
    poller.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.NANOSECONDS);
  }

  /** Watches {@code key}; fires at once when it is already raised. */
  SignalStore.Subscription subscribe(String key, String redisKey, SignalStore.Listener listener) {
    Watch watch = new Watch(key, redisKey, listener);
    add(watch);
    try {
      String raw = commands.call("GET " + redisKey, c -> c.get(redisKey));
      if (raw != null) {
        watch.fire(raw);
      }
    } catch (StoreException e) {
      watch.fail(e);
    }
    return watch;
  }

  private void add(Watch watch) {
    boolean first;
    channelLock.lock();
    try {
      Set<Watch> set = watches.computeIfAbsent(watch.redisKey, k -> new CopyOnWriteArraySet<>());
      first = set.isEmpty();
      set.add(watch);
    } finally {
      channelLock.unlock();
    }
    if (first) {
      subscribeChannel(watch.redisKey);
    }
  }

  private void remove(Watch watch) {
    channelLock.lock();
    try {
      Set<Watch> set = watches.get(watch.redisKey);
      if (set != null && set.remove(watch) && set.isEmpty()) {
        watches.remove(watch.redisKey);
        StatefulRedisPubSubConnection<String, String> connection = pubSub.ifOpen();
        if (connection != null) {
          connection.async().unsubscribe(watch.redisKey);
        }
      }
    } finally {
      channelLock.unlock();
    }
  }

  /**
   * Subscribes to a channel on a run's thread and waits for Redis to confirm, so that a PUBLISH
   * that follows cannot be missed. While Redis is unreachable this fails at once (the connection is
   * retried at most every reconnect interval). A failure only slows reaction down to the poll
   * interval: the poll thread subscribes again.
   */
  private void subscribeChannel(String channel) {
    try {
      StatefulRedisPubSubConnection<String, String> connection = pubSub.get();
      connection.async().subscribe(channel).get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
      if (!watches.containsKey(channel)) { // its watch ended meanwhile
        connection.async().unsubscribe(channel);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      resubscribe = true;
    } catch (Exception e) {
      LOG.debug("cannot subscribe to signal channel {} yet; polling covers it", channel, e);
      resubscribe = true;
    }
  }

  /** A fresh pub/sub connection: listen, and subscribe to every watched channel. */
  private void setUp(StatefulRedisPubSubConnection<String, String> connection) {
    connection.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            if (watches.containsKey(channel)) {
              // Off the I/O thread: listeners cancel runs, which must not stall lettuce.
              Thread.ofVirtual()
                  .name("tasktree-redis-signal")
                  .start(() -> fireAll(channel, message));
            }
          }
        });
    String[] channels = watches.keySet().toArray(String[]::new);
    if (channels.length > 0) {
      connection.async().subscribe(channels);
    }
  }

  private void fireAll(String redisKey, String raw) {
    Set<Watch> set = watches.get(redisKey);
    if (set != null) {
      for (Watch watch : set) {
        watch.fire(raw);
      }
    }
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("signal poll failed", e);
    } finally {
      polls.incrementAndGet();
    }
  }

  /**
   * On the poll thread: opens the pub/sub connection if needed (outside the channel lock, so runs
   * never wait for a connect) and subscribes the channels a failure left out.
   */
  private void ensureSubscribed() {
    if (watches.isEmpty() || !(resubscribe || pubSub.ifOpen() == null)) {
      return;
    }
    StatefulRedisPubSubConnection<String, String> connection;
    try {
      connection = pubSub.get();
    } catch (StoreException e) {
      resubscribe = true;
      return;
    }
    channelLock.lock();
    try {
      resubscribe = false;
      String[] channels = watches.keySet().toArray(String[]::new);
      if (channels.length > 0) {
        connection
            .async()
            .subscribe(channels)
            .whenComplete(
                (ok, error) -> {
                  if (error != null) {
                    resubscribe = true;
                  }
                });
      }
    } catch (RuntimeException e) {
      resubscribe = true;
    } finally {
      channelLock.unlock();
    }
  }

  /** One poll: MGET every watched key; fire what is raised; report failures once per outage. */
  void poll() {
    if (watches.isEmpty()) {
      return;
    }
    ensureSubscribed();
    String[] keys = watches.keySet().toArray(String[]::new);
    if (keys.length == 0) {
      return;
    }
    List<KeyValue<String, String>> values;
    try {
      values = commands.call("MGET of " + keys.length + " signal key(s)", c -> c.mget(keys));
    } catch (StoreException e) {
      watches.values().forEach(set -> set.forEach(watch -> watch.fail(e)));
      return;
    }
    watches.values().forEach(set -> set.forEach(watch -> watch.failing.set(false)));
    for (KeyValue<String, String> value : values) {
      if (value.hasValue()) {
        fireAll(value.getKey(), value.getValue());
      }
    }
  }

  /** How many poll rounds have run (for tests and diagnostics). */
  long polls() {
    return polls.get();
  }

  /** How many keys are watched now (for tests and diagnostics). */
  int watchedKeys() {
    return watches.size();
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      if (!poller.awaitTermination(commandTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        LOG.warn("signal poll thread did not stop in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pubSub.close();
  }
}
