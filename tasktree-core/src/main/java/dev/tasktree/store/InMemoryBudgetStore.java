package dev.tasktree.store;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link BudgetStore} in this process's memory (the Redis store's Lua scripts follow the same
 * rules). Thread-safe; one short lock per account. {@link #shared()} is the default.
 */
public final class InMemoryBudgetStore implements BudgetStore {

  private static final InMemoryBudgetStore SHARED = new InMemoryBudgetStore();

  private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final LongSupplier nowMillis;

  /** A store whose periods and leases follow {@code nowMillis} (epoch milliseconds). */
  public InMemoryBudgetStore(LongSupplier nowMillis) {
    this.nowMillis = nowMillis;
  }

  /** A store on the system clock. */
  public InMemoryBudgetStore() {
    this(System::currentTimeMillis);
  }

  /** The process-wide default store. */
  public static InMemoryBudgetStore shared() {
    return SHARED;
  }

  @Override
  public Outcome reserve(
      String name, Spend limit, long periodMillis, Spend estimate, long leaseMillis) {
    long now = nowMillis.getAsLong();
    String period = periodKey(periodMillis, now);
    Account account = accounts.computeIfAbsent(name + "\n" + period, k -> new Account());
    account.lock.lock();
    try {
      account.expire(now);
      if (account.spent.plus(account.reserved).plus(estimate).firstExceeding(limit) != null) {
        return new Outcome(false, null, account.spent, account.reserved);
      }
      String id = period + ":" + ids.incrementAndGet();
      account.reservations.put(id, new Held(estimate, now + leaseMillis));
      account.reserved = account.reserved.plus(estimate);
      return new Outcome(true, id, account.spent, account.reserved);
    } finally {
      account.lock.unlock();
    }
  }

  @Override
  public Outcome settle(String name, String reservation, Spend actual) {
    String period = reservation.substring(0, reservation.indexOf(':'));
    Account account = accounts.computeIfAbsent(name + "\n" + period, k -> new Account());
    account.lock.lock();
    try {
      account.expire(nowMillis.getAsLong());
      Held held = account.reservations.remove(reservation);
      if (held != null) {
        account.reserved = account.reserved.minus(held.amount);
      }
      account.spent = account.spent.plus(actual);
      return new Outcome(true, null, account.spent, account.reserved);
    } finally {
      account.lock.unlock();
    }
  }

  @Override
  public Outcome read(String name, long periodMillis) {
    long now = nowMillis.getAsLong();
    Account account = accounts.get(name + "\n" + periodKey(periodMillis, now));
    if (account == null) {
      return new Outcome(true, null, Spend.ZERO, Spend.ZERO);
    }
    account.lock.lock();
    try {
      account.expire(now);
      return new Outcome(true, null, account.spent, account.reserved);
    } finally {
      account.lock.unlock();
    }
  }

  /** The period an instant falls in: its index, or {@code all} without a period. */
  static String periodKey(long periodMillis, long now) {
    return periodMillis <= 0 ? "all" : Long.toString(Math.floorDiv(now, periodMillis));
  }

  private record Held(Spend amount, long expiresAt) {}

  private static final class Account {
    final ReentrantLock lock = new ReentrantLock();
    final Map<String, Held> reservations = new HashMap<>();
    Spend spent = Spend.ZERO;
    Spend reserved = Spend.ZERO;

    /** Charges reservations whose lease ran out at their estimate. */
    void expire(long now) {
      for (Iterator<Held> it = reservations.values().iterator(); it.hasNext(); ) {
        Held held = it.next();
        if (held.expiresAt <= now) {
          it.remove();
          reserved = reserved.minus(held.amount);
          spent = spent.plus(held.amount);
        }
      }
    }
  }
}
