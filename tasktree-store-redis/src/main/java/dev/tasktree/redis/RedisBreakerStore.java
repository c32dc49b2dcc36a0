package dev.tasktree.redis;

import dev.tasktree.store.BreakerSpec;
import dev.tasktree.store.BreakerStore;
import dev.tasktree.store.CircuitState;
import io.lettuce.core.ScriptOutputType;
import java.util.List;

/**
 * Circuit breakers on Redis: one Lua script per operation, so acquire and record are atomic across
 * every process and the half-open probe limit holds fleet-wide. State lives under {@code
 * <prefix>breaker:<name>} (a hash) and {@code <prefix>breaker:<name>:window}; cooldowns and time
 * windows follow the Redis server's clock, so the processes' clocks need not agree. Get one from
 * {@link RedisStore#breakers()}.
 */
final class RedisBreakerStore implements BreakerStore {

  private static final LuaScript SCRIPT = LuaScript.load("breaker.lua");
  private static final CircuitState[] STATES = CircuitState.values();
  private static final Verdict[] VERDICTS = Verdict.values();

  private final Commands commands;
  private final String prefix;

  RedisBreakerStore(Commands commands, String prefix) {
    this.commands = commands;
    this.prefix = prefix;
  }

  @Override
  public Decision acquire(String name, BreakerSpec spec) {
    return run("acquire", name, spec, false, false);
  }

  @Override
  public Decision record(String name, BreakerSpec spec, boolean failure, boolean probe) {
    return run("record", name, spec, failure, probe);
  }

  private Decision run(String op, String name, BreakerSpec spec, boolean failure, boolean probe) {
    String key = prefix + "breaker:" + name;
    // state outlives a quiet spell of ten cooldowns (and at least an hour), then starts closed
    long ttl = Math.max(3_600_000L, spec.cooldownMillis() * 10);
    List<Long> reply =
        SCRIPT.run(
            commands,
            "breaker " + op + " " + key,
            ScriptOutputType.MULTI,
            new String[] {key, key + ":window"},
            op,
            spec.timeWindow() ? "1" : "0",
            Integer.toString(spec.windowSize()),
            Integer.toString(spec.minimumCalls()),
            Integer.toString(spec.failureRatePercent()),
            Integer.toString(spec.consecutiveFailures()),
            Long.toString(spec.cooldownMillis()),
            Integer.toString(spec.halfOpenProbes()),
            failure ? "1" : "0",
            probe ? "1" : "0",
            Long.toString(ttl));
    long previous = reply.get(2);
    return new Decision(
        VERDICTS[reply.get(0).intValue()],
        STATES[reply.get(1).intValue()],
        previous < 0 ? null : STATES[(int) previous],
        reply.get(3));
  }
}
