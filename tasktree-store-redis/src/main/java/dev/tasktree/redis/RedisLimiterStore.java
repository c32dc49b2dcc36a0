package dev.tasktree.redis;

import dev.tasktree.store.LimiterStore;
import io.lettuce.core.ScriptOutputType;

/**
 * Token buckets on Redis: every operation is one Lua script (one round trip), atomic across
 * processes, on the Redis server's clock. A bucket lives under {@code <prefix>limit:<name>} and
 * expires once it would be full again anyway. Get one from {@link RedisStore#limiters()}.
 */
final class RedisLimiterStore implements LimiterStore {

  private static final LuaScript SCRIPT = LuaScript.load("limiter.lua");

  private final Commands commands;
  private final String prefix;

  RedisLimiterStore(Commands commands, String prefix) {
    this.commands = commands;
    this.prefix = prefix;
  }

  @Override
  public long acquire(String name, Spec spec, long permits, long maxWaitMillis) {
    return run("acquire", name, spec, permits, maxWaitMillis);
  }

  @Override
  public void adjust(String name, Spec spec, long delta) {
    run("adjust", name, spec, delta, 0);
  }

  @Override
  public void pause(String name, Spec spec, long millis) {
    run("pause", name, spec, millis, 0);
  }

  private long run(String op, String name, Spec spec, long amount, long maxWait) {
    String key = prefix + "limit:" + name;
    Long reply =
        SCRIPT.run(
            commands,
            "limiter " + op + " " + key,
            ScriptOutputType.INTEGER,
            new String[] {key},
            op,
            Long.toString(spec.permits()),
            Long.toString(spec.periodMillis()),
            Long.toString(spec.burst()),
            Long.toString(amount),
            Long.toString(maxWait));
    return reply == null ? 0 : reply;
  }
}
