package dev.tasktree.redis;

import dev.tasktree.store.BudgetStore;
import dev.tasktree.store.Spend;
import io.lettuce.core.ScriptOutputType;
import java.util.List;
import java.util.UUID;

/**
 * Shared budgets on Redis: reserve, settle and read are each one Lua script, atomic across
 * processes, on the Redis server's clock. An account's period lives under {@code
 * <prefix>budget:<name>:<period>} (amounts), {@code ...:leases} and {@code ...:held} (open
 * reservations); a period's keys expire a lease after the period ends. Get one from {@link
 * RedisStore#budgets()}.
 */
final class RedisBudgetStore implements BudgetStore {

  private static final LuaScript SCRIPT = LuaScript.load("budget.lua");

  private final Commands commands;
  private final String prefix;

  RedisBudgetStore(Commands commands, String prefix) {
    this.commands = commands;
    this.prefix = prefix;
  }

  @Override
  public Outcome reserve(
      String name, Spend limit, long periodMillis, Spend estimate, long leaseMillis) {
    String[] args = new String[12];
    args[0] = "reserve";
    args[1] = Long.toString(periodMillis);
    long[] l = limit.toArray();
    long[] e = estimate.toArray();
    for (int i = 0; i < 4; i++) {
      args[2 + i] = l[i] == Spend.UNLIMITED ? "-1" : Long.toString(l[i]);
      args[6 + i] = Long.toString(e[i]);
    }
    args[10] = Long.toString(leaseMillis);
    args[11] = UUID.randomUUID().toString();
    return run(name, args);
  }

  @Override
  public Outcome settle(String name, String reservation, Spend actual) {
    long[] a = actual.toArray();
    return run(
        name,
        "settle",
        reservation,
        Long.toString(a[0]),
        Long.toString(a[1]),
        Long.toString(a[2]),
        Long.toString(a[3]));
  }

  @Override
  public Outcome read(String name, long periodMillis) {
    return run(name, "read", Long.toString(periodMillis));
  }

  private Outcome run(String name, String... args) {
    String key = prefix + "budget:" + name;
    List<Object> reply =
        SCRIPT.run(
            commands,
            "budget " + args[0] + " " + key,
            ScriptOutputType.MULTI,
            new String[] {key},
            args);
    long[] spent = new long[4];
    long[] reserved = new long[4];
    for (int i = 0; i < 4; i++) {
      spent[i] = number(reply.get(2 + i));
      reserved[i] = number(reply.get(6 + i));
    }
    String id = text(reply.get(1));
    return new Outcome(
        number(reply.get(0)) == 1, id.isEmpty() ? null : id, Spend.of(spent), Spend.of(reserved));
  }

  private static long number(Object value) {
    return value instanceof Long l ? l : Long.parseLong(text(value));
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes
        ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
        : String.valueOf(value);
  }
}
