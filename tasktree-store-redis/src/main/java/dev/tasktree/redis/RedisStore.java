package dev.tasktree.redis;

import dev.tasktree.store.BreakerStore;
import dev.tasktree.store.BudgetStore;
import dev.tasktree.store.CacheStore;
import dev.tasktree.store.LimiterStore;
import dev.tasktree.store.Signal;
import dev.tasktree.store.SignalStore;
import dev.tasktree.store.StoreException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A {@link CacheStore} and {@link SignalStore} on Redis, shared by every process that points at the
 * same server and key prefix: cached results computed by one process are hits in the others, and a
 * signal raised anywhere stops the matching Terminable nodes everywhere.
 *
 * <pre>{@code
 * try (RedisStore redis = RedisStore.create("redis://127.0.0.1:6379")) {
 *   RunOptions options = RunOptions.defaults().withCacheStore(redis).withSignalStore(redis);
 *   tree.run(board, options);
 *   redis.raise("job-42", "user pressed stop");   // from any process
 * }
 * }</pre>
 *
 * <p><b>Keys.</b> Every key starts with the prefix (default {@code tasktree:}): cache entries live
 * under {@code <prefix>cache:<key>} (the single-flight lock under {@code
 * <prefix>cache:<key>:lock}), signals under {@code <prefix>signal:<key>}, which is also the pub/sub
 * channel a raise publishes on, run journals under {@code <prefix>journal:} ({@link #journal()}).
 * See {@link #cacheKey(String)} and {@link #signalKey(String)}.
 *
 * <p><b>Signals</b> are seen two ways: at once through pub/sub when raised with {@link #raise}, and
 * by polling every {@link Builder#pollInterval(Duration) poll interval} (default 250 ms) when set
 * with a plain {@code SET} by any other client, e.g. {@code redis-cli SET tasktree:signal:job-42
 * "stop"}.
 *
 * <p><b>Failures.</b> The store connects lazily and never throws anything but {@link
 * StoreException}, which core's Cache and Terminable turn into warnings in the trace. While Redis
 * is unreachable every call fails fast; the store reconnects by itself when Redis is back.
 *
 * <p>Thread-safe. One command connection and one pub/sub connection serve all runs. {@link
 * #close()} releases them, the poll thread, and the lettuce client when the store created it.
 */
public final class RedisStore implements CacheStore, SignalStore, AutoCloseable {

  /** The key prefix used unless {@link Builder#keyPrefix(String)} says otherwise. */
  public static final String DEFAULT_PREFIX = "tasktree:";

  private final String prefix;
  private final Duration signalTtl;
  private final Clock clock;
  private final Commands commands;
  private final SignalWatcher watcher;
  private final RedisBreakerStore breakers;
  private final RedisLimiterStore limiters;
  private final RedisBudgetStore budgets;
  private final RedisJournal journal;
  private final RedisClient ownedClient;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisStore(Builder builder) {
    this.prefix = builder.prefix;
    this.signalTtl = builder.signalTtl;
    this.clock = builder.clock;
    RedisClient client = builder.client;
    if (client == null) {
      client = ownClient(builder);
      this.ownedClient = client;
    } else {
      this.ownedClient = null;
    }
    RedisClient c = client;
    RedisURI uri = builder.uri;
    String where = builder.where;
    Supplier<StatefulRedisConnection<String, String>> openCommands =
        uri == null ? c::connect : () -> c.connect(uri);
    Supplier<StatefulRedisPubSubConnection<String, String>> openPubSub =
        uri == null ? c::connectPubSub : () -> c.connectPubSub(uri);
    this.commands =
        new Commands(
            new LazyConnection<>(openCommands, conn -> {}, builder.reconnectInterval, where),
            builder.commandTimeout,
            where);
    this.watcher =
        new SignalWatcher(
            commands,
            openPubSub,
            builder.reconnectInterval,
            builder.pollInterval,
            builder.commandTimeout,
            clock,
            where);
    this.breakers = new RedisBreakerStore(commands, prefix);
    this.limiters = new RedisLimiterStore(commands, prefix);
    this.budgets = new RedisBudgetStore(commands, prefix);
    this.journal = new RedisJournal(commands, prefix, builder.endedJournalTtl);
  }

  private static RedisClient ownClient(Builder builder) {
    ClientResources resources =
        ClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(20), builder.reconnectInterval, 2, TimeUnit.MILLISECONDS))
            .build();
    RedisClient client = RedisClient.create(resources, builder.uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(builder.connectTimeout).build())
            .timeoutOptions(TimeoutOptions.enabled(builder.commandTimeout))
            .build());
    return client;
  }

  /**
   * A store on the Redis at {@code uri} ({@code redis://[[user]:password@]host[:port][/db]}, {@code
   * rediss://} for TLS, or any form lettuce's {@link RedisURI} accepts), with default settings. It
   * connects on first use, so an unreachable Redis does not fail here.
   *
   * @throws IllegalArgumentException when {@code uri} is not a Redis URI
   */
  public static RedisStore create(String uri) {
    return builder(uri).build();
  }

  /** A builder for a store on the Redis at {@code uri}; see {@link #create(String)}. */
  public static Builder builder(String uri) {
    Objects.requireNonNull(uri, "uri");
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a Redis URI (expected redis://host:port/db or rediss://...): " + e.getMessage(), e);
    }
    return builder(parsed);
  }

  /** A builder for a store on the Redis at {@code uri}; the store creates and owns its client. */
  public static Builder builder(RedisURI uri) {
    Objects.requireNonNull(uri, "uri");
    return new Builder(null, uri);
  }

  /**
   * A builder for a store that opens its connections from {@code client} (created with a default
   * URI, e.g. {@code RedisClient.create("redis://...")}). The client's options and resources are
   * used as they are and {@link #close()} leaves the client open. For quick failure while Redis is
   * down, give the client {@code ClientOptions.DisconnectedBehavior.REJECT_COMMANDS}; otherwise a
   * command waits until the store's command timeout.
   */
  public static Builder builder(RedisClient client) {
    Objects.requireNonNull(client, "client");
    return new Builder(client, null);
  }

  /** Like {@link #builder(RedisClient)}, connecting to {@code uri} rather than the default. */
  public static Builder builder(RedisClient client, RedisURI uri) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(uri, "uri");
    return new Builder(client, uri);
  }

  /** The prefix of every key and channel this store uses. */
  public String keyPrefix() {
    return prefix;
  }

  /** The Redis key that holds the cache entry for {@code key}: {@code <prefix>cache:<key>}. */
  public String cacheKey(String key) {
    return prefix + "cache:" + key;
  }

  /**
   * The Redis key that holds the signal {@code key}, and the pub/sub channel it is announced on:
   * {@code <prefix>signal:<key>}.
   */
  public String signalKey(String key) {
    return prefix + "signal:" + key;
  }

  /**
   * Circuit-breaker state shared by every process on this Redis and prefix (atomic Lua scripts);
   * give it to {@code CircuitBreaker.Builder#store}.
   */
  public BreakerStore breakers() {
    return breakers;
  }

  /** Token buckets shared by every process on this Redis and prefix (atomic Lua scripts). */
  public LimiterStore limiters() {
    return limiters;
  }

  /** Budget accounts shared by every process on this Redis and prefix (atomic Lua scripts). */
  public BudgetStore budgets() {
    return budgets;
  }

  /**
   * The journal of durable runs on this Redis and prefix, so a run started by one process can be
   * resumed by another; give it to {@code RunOptions#withJournal}. Keys, atomicity and expiry are
   * described on {@link RedisJournal}.
   */
  public RedisJournal journal() {
    return journal;
  }

  /**
   * Checks that Redis answers.
   *
   * @throws StoreException when it does not
   */
  public void ping() {
    commands.call("PING", c -> c.ping());
  }

  // ---- CacheStore ----

  @Override
  public Optional<String> get(String key) {
    String redisKey = cacheKey(key);
    return Optional.ofNullable(commands.call("GET " + redisKey, c -> c.get(redisKey)));
  }

  @Override
  public void set(String key, String value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    String redisKey = cacheKey(key);
    SetArgs args = SetArgs.Builder.px(millis(ttl));
    commands.call("SET " + redisKey, c -> c.set(redisKey, value, args));
  }

  @Override
  public boolean setIfAbsent(String key, String value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    String redisKey = cacheKey(key);
    SetArgs args = SetArgs.Builder.nx().px(millis(ttl));
    return "OK".equals(commands.call("SET NX " + redisKey, c -> c.set(redisKey, value, args)));
  }

  @Override
  public void delete(String key) {
    String redisKey = cacheKey(key);
    commands.call("DEL " + redisKey, c -> c.del(redisKey));
  }

  private static final String DELETE_IF_EQUALS =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

  @Override
  public boolean deleteIfEquals(String key, String expected) {
    String redisKey = cacheKey(key);
    Long deleted =
        commands.call(
            "DEL-IF-EQUALS " + redisKey,
            c ->
                c.<Long>eval(
                    DELETE_IF_EQUALS, ScriptOutputType.INTEGER, new String[] {redisKey}, expected));
    return deleted != null && deleted > 0;
  }

  // ---- SignalStore ----

  /**
   * Raises the signal {@code key}: stores the reason under {@link #signalKey(String)} for {@code
   * ttl} and publishes it on the same channel, so watchers in every process react at once.
   */
  @Override
  public void raise(String key, String reason, Duration ttl) {
    String redisKey = signalKey(key);
    String value =
        SignalValues.encode(
            reason == null || reason.isBlank() ? SignalValues.NO_REASON : reason, clock.instant());
    SetArgs args = SetArgs.Builder.px(millis(ttl));
    commands.call(
        "SET + PUBLISH " + redisKey,
        c -> { // pipelined: one round trip; lettuce sends them in this order
          var set = c.set(redisKey, value, args).toCompletableFuture();
          var publish = c.publish(redisKey, value).toCompletableFuture();
          return set.thenCombine(publish, (ok, receivers) -> receivers);
        });
  }

  /** Raises the signal {@code key} for the default signal TTL ({@link Builder#signalTtl}). */
  public void raise(String key, String reason) {
    raise(key, reason, signalTtl);
  }

  @Override
  public Optional<Signal> check(String key) {
    String redisKey = signalKey(key);
    String raw = commands.call("GET " + redisKey, c -> c.get(redisKey));
    return raw == null ? Optional.empty() : Optional.of(SignalValues.decode(key, raw, now()));
  }

  @Override
  public void clear(String key) {
    String redisKey = signalKey(key);
    commands.call("DEL " + redisKey, c -> c.del(redisKey));
  }

  /**
   * Watches the signal {@code key}. Never throws for store failures: they go to {@link
   * Listener#onError} (once per outage) and watching goes on, so a signal raised after Redis
   * returns still stops the run.
   */
  @Override
  public Subscription subscribe(String key, Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (closed.get()) {
      listener.onError(new StoreException("RedisStore is closed"));
      return () -> {};
    }
    return watcher.subscribe(key, signalKey(key), listener);
  }

  /** How many signal poll rounds have run (for tests and diagnostics). */
  long polls() {
    return watcher.polls();
  }

  /** How many signal keys are being watched now. */
  int watchedKeys() {
    return watcher.watchedKeys();
  }

  private Instant now() {
    return clock.instant();
  }

  private static long millis(Duration ttl) {
    long millis = ttl.toMillis();
    if (millis < 1) {
      throw new IllegalArgumentException("TTL must be at least 1 ms, got " + ttl);
    }
    return millis;
  }

  /**
   * Stops watching, closes both connections and, when the store created it, the lettuce client and
   * its threads. Idempotent. Later calls fail with {@link StoreException}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watcher.close();
    commands.close();
    if (ownedClient != null) {
      ownedClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      ownedClient.getResources().shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  private static String describe(RedisURI uri) {
    if (uri.getSocket() != null) {
      return "unix:" + uri.getSocket() + "/" + uri.getDatabase();
    }
    return (uri.isSsl() ? "rediss://" : "redis://")
        + uri.getHost()
        + ":"
        + uri.getPort()
        + "/"
        + uri.getDatabase();
  }

  /**
   * Settings for a {@link RedisStore}. Defaults: prefix {@code tasktree:}, poll interval 250 ms,
   * command timeout 2 s, connect timeout 2 s, reconnect interval 1 s, signal TTL 1 hour, ended
   * journal TTL 24 hours.
   */
  public static final class Builder {
    private final RedisClient client;
    private final RedisURI uri;
    private final String where;
    private String prefix = DEFAULT_PREFIX;
    private Duration pollInterval = Duration.ofMillis(250);
    private Duration commandTimeout = Duration.ofSeconds(2);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration reconnectInterval = Duration.ofSeconds(1);
    private Duration signalTtl = Duration.ofHours(1);
    private Duration endedJournalTtl = Duration.ofHours(24);
    private Clock clock = Clock.systemUTC();

    private Builder(RedisClient client, RedisURI uri) {
      this.client = client;
      this.uri = uri;
      this.where = uri == null ? "the client's default URI" : describe(uri);
    }

    /**
     * The prefix of every key and channel (default {@code tasktree:}); stores with different
     * prefixes share nothing.
     */
    public Builder keyPrefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /**
     * How often watched signal keys are read, to catch signals set without PUBLISH (default 250
     * ms).
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = atLeastOneMilli(interval, "poll interval");
      return this;
    }

    /** The longest a run waits for one Redis command before treating it as failed (default 2 s). */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = atLeastOneMilli(timeout, "command timeout");
      return this;
    }

    /**
     * The longest one connection attempt may take (default 2 s). Applies when the store creates the
     * client.
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = atLeastOneMilli(timeout, "connect timeout");
      return this;
    }

    /**
     * The pause between connection attempts while Redis is unreachable (default 1 s); calls in
     * between fail at once. When the store creates the client it is also the upper bound of
     * lettuce's reconnect back-off.
     */
    public Builder reconnectInterval(Duration interval) {
      this.reconnectInterval = atLeastOneMilli(interval, "reconnect interval");
      return this;
    }

    /** How long a signal raised with {@link RedisStore#raise(String, String)} lasts (1 hour). */
    public Builder signalTtl(Duration ttl) {
      this.signalTtl = atLeastOneMilli(ttl, "signal TTL");
      return this;
    }

    /**
     * How long the journal of a run that ended is kept before Redis expires it (default 24 hours).
     * A run that has not ended (crashed, or suspended while it waits) is never expired.
     */
    public Builder endedJournalTtl(Duration ttl) {
      this.endedJournalTtl = atLeastOneMilli(ttl, "ended journal TTL");
      return this;
    }

    /** The clock that stamps raised signals (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The store. It connects on first use. */
    public RedisStore build() {
      return new RedisStore(this);
    }

    private static Duration atLeastOneMilli(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.toMillis() < 1) {
        throw new IllegalArgumentException(what + " must be at least 1 ms, got " + value);
      }
      return value;
    }
  }
}
