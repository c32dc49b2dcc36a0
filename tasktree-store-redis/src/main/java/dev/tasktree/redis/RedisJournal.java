package dev.tasktree.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.store.Checkpoint;
import dev.tasktree.store.Journal;
import dev.tasktree.store.JournalHeader;
import dev.tasktree.store.JournalRecord;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.TraceIds;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Journal} on Redis, so a run started by one process can be resumed by another that points
 * at the same server and key prefix. Get it from {@link RedisStore#journal()}.
 *
 * <p><b>Keys</b> (all under the store's prefix, default {@code tasktree:}):
 *
 * <ul>
 *   <li>{@code <prefix>journal:<runId>:header} — a hash: {@code runId}, {@code treeName}, {@code
 *       shapeFingerprint}, {@code shapeJson}, {@code startedAt}, and once the run ended {@code
 *       endStatus} and {@code endedAt};
 *   <li>{@code <prefix>journal:<runId>:checkpoints} — a list, one JSON object per completed
 *       checkpoint ({@code key}, {@code ok}, {@code data} as the exact JSON text, {@code
 *       completedAt}) in completion order;
 *   <li>{@code <prefix>journal:resumable} — a sorted set of the runs that began and have not ended,
 *       scored by their start time (epoch ms), so {@link #resumable()} lists them oldest first.
 * </ul>
 *
 * <p><b>Atomicity.</b> Each operation is one Lua script: a checkpoint is one list element pushed in
 * one command, so a record is never torn and a reader never sees half of a write; {@link #end}
 * marks the header, leaves the resumable set and sets the expiry in one step. Appends from the many
 * threads of a Gather are each atomic; their order is the order Redis received them.
 *
 * <p><b>Durability.</b> {@link #append} returns once Redis has the record in memory. Whether it
 * survives a crash of Redis itself is Redis's persistence setting ({@code appendonly yes} with
 * {@code appendfsync everysec} loses at most about a second; {@code always} loses nothing).
 *
 * <p><b>Expiry.</b> A run that has not ended never expires: it may be suspended waiting for an
 * approval for days, and dropping it would silently lose its work. An ended run's keys expire after
 * {@link RedisStore.Builder#endedJournalTtl(Duration)} (default 24 hours); {@link #delete} removes
 * them at once.
 *
 * <p><b>Failures.</b> Every failure is a {@link StoreException} naming the operation, the run and
 * the server (never a password): Redis unreachable or too slow, a run id that is not a trace id, an
 * append to a run that has no journal or has ended, a record in Redis that is not one this class
 * wrote. Nothing is written partly. Thread-safe.
 */
public final class RedisJournal implements Journal {

  private static final LuaScript SCRIPT = LuaScript.load("journal.lua");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  private final Commands commands;
  private final String prefix;
  private final Duration endedTtl;

  RedisJournal(Commands commands, String prefix, Duration endedTtl) {
    this.commands = commands;
    this.prefix = prefix;
    this.endedTtl = endedTtl;
  }

  /** The hash that holds run {@code runId}'s header: {@code <prefix>journal:<runId>:header}. */
  public String headerKey(String runId) {
    return prefix + "journal:" + runId + ":header";
  }

  /**
   * The list that holds run {@code runId}'s checkpoints: {@code
   * <prefix>journal:<runId>:checkpoints}.
   */
  public String checkpointsKey(String runId) {
    return prefix + "journal:" + runId + ":checkpoints";
  }

  /** The sorted set of resumable runs: {@code <prefix>journal:resumable}. */
  public String resumableKey() {
    return prefix + "journal:resumable";
  }

  /** How long an ended run's journal is kept. */
  public Duration endedTtl() {
    return endedTtl;
  }

  @Override
  public void begin(JournalHeader header) {
    Objects.requireNonNull(header, "header");
    String runId = checkRunId(header.runId());
    Objects.requireNonNull(header.startedAt(), "startedAt");
    run(
        "begin",
        runId,
        ScriptOutputType.INTEGER,
        nullToEmpty(header.treeName()),
        nullToEmpty(header.shapeFingerprint()),
        nullToEmpty(header.shapeJson()),
        header.startedAt().toString(),
        Long.toString(header.startedAt().toEpochMilli()));
  }

  @Override
  public void append(String runId, Checkpoint checkpoint) {
    checkRunId(runId);
    String record = encode(runId, checkpoint);
    Long outcome = run("append", runId, ScriptOutputType.INTEGER, record);
    if (outcome == 0) {
      throw new StoreException(
          "cannot journal checkpoint '"
              + checkpoint.key()
              + "' of run "
              + runId
              + ": the run has no journal in Redis ("
              + headerKey(runId)
              + " is missing: begin was not called, or the journal was deleted or expired)");
    }
    if (outcome < 0) {
      throw new StoreException(
          "cannot journal checkpoint '"
              + checkpoint.key()
              + "' of run "
              + runId
              + ": the run has already ended");
    }
  }

  @Override
  public Optional<JournalRecord> read(String runId) {
    checkRunId(runId);
    List<Object> reply = run("read", runId, ScriptOutputType.MULTI);
    if (reply == null || reply.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> fields = new HashMap<>();
    int i = 0;
    for (; i < reply.size(); i += 2) {
      String name = text(reply.get(i));
      if (name.isEmpty()) {
        i++;
        break;
      }
      fields.put(name, text(reply.get(i + 1)));
    }
    JournalHeader header =
        new JournalHeader(
            runId,
            emptyToNull(fields.get("treeName")),
            emptyToNull(fields.get("shapeFingerprint")),
            emptyToNull(fields.get("shapeJson")),
            instant(runId, "startedAt", fields.get("startedAt")));
    List<Checkpoint> checkpoints = new ArrayList<>(reply.size() - i);
    for (int index = 0; i < reply.size(); i++, index++) {
      checkpoints.add(decode(runId, index, text(reply.get(i))));
    }
    return Optional.of(
        new JournalRecord(
            header, checkpoints, Optional.ofNullable(emptyToNull(fields.get("endStatus")))));
  }

  @Override
  public void end(String runId, String status) {
    checkRunId(runId);
    Objects.requireNonNull(status, "status");
    if (status.isBlank()) {
      throw new IllegalArgumentException("end status must not be blank");
    }
    run(
        "end",
        runId,
        ScriptOutputType.INTEGER,
        status,
        Instant.now().toString(),
        Long.toString(endedTtl.toMillis()));
  }

  @Override
  public List<String> resumable() {
    String key = resumableKey();
    return List.copyOf(commands.call("journal resumable ZRANGE " + key, c -> c.zrange(key, 0, -1)));
  }

  @Override
  public void delete(String runId) {
    checkRunId(runId);
    run("delete", runId, ScriptOutputType.INTEGER);
  }

  private <T> T run(String op, String runId, ScriptOutputType type, String... extra) {
    String[] args = new String[2 + extra.length];
    args[0] = op;
    args[1] = runId;
    System.arraycopy(extra, 0, args, 2, extra.length);
    return SCRIPT.run(
        commands,
        "journal " + op + " of run " + runId,
        type,
        new String[] {headerKey(runId), checkpointsKey(runId), resumableKey()},
        args);
  }

  /** Run ids are trace ids, so they never hold the ':' that separates the parts of a key. */
  private static String checkRunId(String runId) {
    if (!TraceIds.isValid(runId)) {
      throw new StoreException(
          "not a run id: '"
              + (runId == null ? "null" : runId.length() > 80 ? runId.substring(0, 80) : runId)
              + "' (run ids are trace ids: letters, digits, '-' and '_', at most 128)");
    }
    return runId;
  }

  /** The checkpoint as one JSON object; its data must be JSON text (or null). */
  private static String encode(String runId, Checkpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(checkpoint.key(), "checkpoint key");
    Objects.requireNonNull(checkpoint.completedAt(), "completedAt");
    if (checkpoint.dataJson() != null && !isJson(checkpoint.dataJson())) {
      throw new IllegalArgumentException(
          "checkpoint '"
              + checkpoint.key()
              + "' of run "
              + runId
              + ": its data is not one JSON value, so it would not read back");
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("key", checkpoint.key());
    node.put("ok", checkpoint.ok());
    node.put("data", checkpoint.dataJson()); // the exact text, so it reads back unchanged
    node.put("completedAt", checkpoint.completedAt().toString());
    return node.toString();
  }

  private static Checkpoint decode(String runId, int index, String text) {
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null
          || !node.path("key").isTextual()
          || !node.path("ok").isBoolean()
          || !(node.path("data").isTextual() || node.path("data").isNull())) {
        throw corrupt(runId, index, "not a checkpoint record", null);
      }
      JsonNode data = node.get("data");
      return new Checkpoint(
          node.get("key").textValue(),
          node.get("ok").booleanValue(),
          data.isNull() ? null : data.textValue(),
          instant(runId, "completedAt", node.path("completedAt").asText(null)));
    } catch (IOException e) {
      throw corrupt(runId, index, "not JSON", e);
    }
  }

  private static StoreException corrupt(String runId, int index, String why, Throwable cause) {
    return new StoreException(
        "the Redis journal of run "
            + runId
            + " holds a record that TaskTree did not write (checkpoint #"
            + index
            + ": "
            + why
            + "); refusing to resume from it",
        cause);
  }

  private static boolean isJson(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  private static Instant instant(String runId, String field, String text) {
    if (text == null || text.isEmpty()) {
      throw new StoreException("the Redis journal of run " + runId + " has no " + field);
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new StoreException(
          "the Redis journal of run " + runId + " has a bad " + field + ": " + text, e);
    }
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes
        ? new String(bytes, StandardCharsets.UTF_8)
        : String.valueOf(value);
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
