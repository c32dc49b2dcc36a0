package dev.tasktree.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.Result;
import dev.tasktree.store.Checkpoint;
import dev.tasktree.store.Journal;
import dev.tasktree.store.JournalHeader;
import dev.tasktree.store.JournalRecord;
import dev.tasktree.store.StoreException;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.LogLevel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The journal side of one durable run: the run id its journal is kept under, the checkpoints a
 * resumed run replays, and the occurrence counters that make every checkpoint key unique and the
 * same on every execution of the same tree with the same inputs.
 *
 * <p>A key is {@code <occurrence path> | <name> | <n>}: the path of the node with {@code #k} after
 * every segment that is try (loop) {@code k} of a Retry (RepeatWhile), the checkpoint's name, and
 * its count among checkpoints with the same path and name.
 */
public final class Durable {

  private final Journal journal;
  private final String runId;
  private final JournalHeader header;
  private final Map<String, Checkpoint> recorded;
  private final boolean resumed;
  private final ConcurrentHashMap<String, AtomicInteger> occurrences = new ConcurrentHashMap<>();
  private final AtomicInteger replays = new AtomicInteger();

  private Durable(
      Journal journal, JournalHeader header, Map<String, Checkpoint> recorded, boolean resumed) {
    this.journal = journal;
    this.runId = header.runId();
    this.header = header;
    this.recorded = recorded;
    this.resumed = resumed;
  }

  /** A new durable run of a tree with this shape. */
  public static Durable fresh(
      Journal journal, String runId, String treeName, JsonNode shape, Clock clock) {
    String shapeJson = shape.toString();
    return new Durable(
        journal,
        new JournalHeader(runId, treeName, fingerprint(shapeJson), shapeJson, clock.instant()),
        Map.of(),
        false);
  }

  /** A resumed run replaying {@code record}'s checkpoints (for a repeated key, the last). */
  public static Durable resumed(Journal journal, JournalRecord record) {
    Map<String, Checkpoint> byKey = new HashMap<>();
    for (Checkpoint c : record.checkpoints()) {
      byKey.put(c.key(), c);
    }
    return new Durable(journal, record.header(), Map.copyOf(byKey), true);
  }

  /**
   * Why a run of tree {@code treeName} with {@code shape} cannot resume {@code record}, or null
   * when it can: the run ended, or the tree is another one or has changed since (naming the first
   * node that differs).
   */
  public static String refusal(JournalRecord record, String treeName, JsonNode shape) {
    JournalHeader h = record.header();
    if (record.endStatus().isPresent()) {
      return "run '"
          + h.runId()
          + "' already ended "
          + record.endStatus().get()
          + "; there is nothing to resume";
    }
    if (!treeName.equals(h.treeName())) {
      return "run '"
          + h.runId()
          + "' is a run of tree '"
          + h.treeName()
          + "', not of '"
          + treeName
          + "'";
    }
    String shapeJson = shape.toString();
    if (fingerprint(shapeJson).equals(h.shapeFingerprint())) {
      return null;
    }
    String where;
    try {
      where = ShapeDiff.first(TREE_JSON.readTree(h.shapeJson()), shape);
    } catch (Exception e) {
      where = "(the journaled shape cannot be read: " + e.getMessage() + ")";
    }
    return "tree '"
        + treeName
        + "' has changed since run '"
        + h.runId()
        + "' was journaled, so its checkpoints cannot be matched to nodes; first difference: "
        + where;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper TREE_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The SHA-256 of a shape's JSON text, in hex. */
  public static String fingerprint(String shapeJson) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(shapeJson.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  String runId() {
    return runId;
  }

  /** The trace attributes of this run: its run id, and the run it resumes. */
  Map<String, Object> traceAttributes() {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put(Attributes.RUN_ID, runId);
    if (resumed) {
      attributes.put(Attributes.RESUMED_FROM, runId);
    }
    return attributes;
  }

  /** Records the start (a resumed run's header is left as it was). */
  void begin() {
    journal.begin(header);
  }

  /** Records the end. */
  void end(String status) {
    journal.end(runId, status);
  }

  /** The key of the next checkpoint named {@code name} of the node of {@code frame}. */
  private String key(Frame frame, String name) {
    String base = frame.occurrencePath() + " | " + name;
    int n = occurrences.computeIfAbsent(base, k -> new AtomicInteger()).incrementAndGet();
    return base + " | " + n;
  }

  /** The journaled checkpoint with this key, or null. */
  private Checkpoint recorded(String key) {
    Checkpoint c = recorded.get(key);
    if (c != null) {
      replays.incrementAndGet();
    }
    return c;
  }

  /** Appends a completed checkpoint. */
  private void append(String key, boolean ok, String json, Clock clock) throws StoreException {
    journal.append(runId, new Checkpoint(key, ok, json, clock.instant()));
  }

  /**
   * Runs {@code work} as checkpoint {@code name} of {@code frame}'s node (see {@link
   * Frame#checkpoint}): a journaled outcome is read back through {@code format} and returned
   * without running {@code work}, the span marked replayed; otherwise {@code work} runs and its
   * result is journaled when {@code format} encodes it. A result that cannot be encoded or appended
   * is a warning on the span: that checkpoint runs again on a resume.
   *
   * @throws IllegalStateException when a journaled outcome cannot be read back
   */
  Result checkpoint(Frame frame, String name, Format format, Callable<Result> work)
      throws Exception {
    String key = key(frame, name);
    Checkpoint journaled = recorded(key);
    if (journaled != null) {
      Result replayed;
      try {
        replayed = format.decode(journaled.ok(), journaled.dataJson());
      } catch (Exception e) {
        throw new IllegalStateException(
            "checkpoint '"
                + key
                + "' of run "
                + runId
                + " cannot be read back from the journal: "
                + e.getMessage(),
            e);
      }
      frame.attribute(Attributes.REPLAYED, true);
      return replayed;
    }
    Result result = work.call();
    String json;
    try {
      json = format.encode(result);
    } catch (Exception e) {
      frame.log(
          LogLevel.WARN,
          "checkpoint '" + key + "' not journaled: its result cannot be written as JSON: " + e);
      return result;
    }
    if (json != null) {
      try {
        append(key, result.isOk(), json, frame.run().options().clock());
      } catch (RuntimeException e) {
        frame.log(LogLevel.WARN, "checkpoint '" + key + "' not journaled: " + e.getMessage());
      }
    }
    return result;
  }

  /** How one kind of checkpoint writes its outcome to the journal and reads it back. */
  public interface Format {
    /** The JSON text of {@code result}, or null to leave it out of the journal. */
    String encode(Result result) throws Exception;

    /** The result {@link #encode} wrote, with the status it had. */
    Result decode(boolean ok, String json) throws Exception;
  }
}
