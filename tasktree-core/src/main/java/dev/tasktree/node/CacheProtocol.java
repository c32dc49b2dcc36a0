package dev.tasktree.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.Result;
import dev.tasktree.store.CacheStore;
import dev.tasktree.trace.TraceJson;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The Cache node's contract with a {@link CacheStore}, shared by every process on the same store.
 *
 * <p><b>Entry format</b>: one JSON object per key, {@code {"v":1,"value":…,"validator":…}}, stored
 * with the entry's TTL. A hit needs {@code validator} equal (as JSON) to the validator computed
 * now; anything unreadable is {@code corrupt}, a miss.
 *
 * <p><b>Single-flight</b>: the first miss sets {@code <key>:lock} if absent, with a token unique to
 * this run and a TTL equal to the wait bound (so a dead holder's lock expires); the others poll the
 * entry every 20 ms for up to the bound. The holder deletes the lock only while it still holds its
 * own token (compare-and-delete), never another holder's. A store error while taking the lock makes
 * this run behave as the holder.
 *
 * <p>Every store failure is reported through the {@code warn} callback, never thrown.
 */
final class CacheProtocol {

  private static final ObjectMapper JSON = TraceJson.newMapper();
  private static final long POLL_MILLIS = 20;

  private final CacheStore store;
  private final String key;
  private final JsonNode validator;
  private final Class<?> type;
  private final Consumer<String> warn;

  /** A hit, or why not: {@code miss}, {@code invalidated}, {@code corrupt} or {@code error}. */
  record Lookup(Result hit, String outcome) {}

  CacheProtocol(
      CacheStore store, String key, Object validator, Class<?> type, Consumer<String> warn) {
    this.store = store;
    this.key = key;
    this.validator = validator == null ? NullNode.getInstance() : JSON.valueToTree(validator);
    this.type = type;
    this.warn = warn;
  }

  /** Reads the entry. */
  Lookup lookup() {
    Optional<String> raw;
    try {
      raw = store.get(key);
    } catch (RuntimeException e) {
      warn.accept("cache store error on get (running the child): " + e);
      return new Lookup(null, "error");
    }
    if (raw.isEmpty()) {
      return new Lookup(null, "miss");
    }
    Object value;
    try {
      JsonNode entry = JSON.readTree(raw.get());
      if (entry == null || !entry.isObject() || !entry.has("value")) {
        throw new IllegalArgumentException("not a TaskTree cache entry");
      }
      if (!entry.path("validator").equals(validator)) {
        return new Lookup(null, "invalidated");
      }
      value = JSON.treeToValue(entry.get("value"), type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      warn.accept("unreadable cache entry under '" + key + "', treated as a miss: " + e);
      return new Lookup(null, "corrupt");
    }
    return new Lookup(Result.ok(value), "hit");
  }

  /** Writes the entry for {@code ttl}; a failure is a warning, the result stands. */
  void store(Object data, Duration ttl) {
    try {
      ObjectNode entry = JSON.createObjectNode();
      entry.put("v", 1);
      entry.set("value", JSON.valueToTree(data));
      entry.set("validator", validator);
      store.set(key, JSON.writeValueAsString(entry), ttl);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      warn.accept("result not cached: it cannot be written as JSON: " + e);
    } catch (RuntimeException e) {
      warn.accept("cache store error on set (result kept, not cached): " + e);
    }
  }

  /** The single-flight lock of one run; {@link #held()} tells whether this run computes. */
  final class Flight implements AutoCloseable {
    private final String lockKey = key + ":lock";
    private final String token;
    private final boolean held;

    private Flight(String owner, Duration maxWait) {
      this.token = owner + "/" + Long.toHexString(ThreadLocalRandom.current().nextLong());
      boolean taken;
      try {
        taken = store.setIfAbsent(lockKey, token, maxWait);
      } catch (RuntimeException e) {
        warn.accept("cache store error taking the single-flight lock: " + e);
        taken = true; // cannot coordinate: behave as the holder and run the child
      }
      this.held = taken;
    }

    boolean held() {
      return held;
    }

    @Override
    public void close() {
      if (!held) {
        return;
      }
      try {
        store.deleteIfEquals(lockKey, token); // never another holder's lock
      } catch (RuntimeException e) {
        warn.accept("cache store error releasing the single-flight lock: " + e);
      }
    }
  }

  /** Takes the lock if free; {@code owner} (the trace id) makes the token readable. */
  Flight flight(String owner, Duration maxWait) {
    return new Flight(owner, maxWait);
  }

  /** Polls for the holder's value for up to {@code maxWait}; null when none came. */
  Result awaitOtherFlight(Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(POLL_MILLIS);
      Lookup lookup = lookup();
      if (lookup.hit() != null) {
        return lookup.hit();
      }
    }
    return null;
  }
}
