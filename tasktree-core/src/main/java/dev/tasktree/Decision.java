package dev.tasktree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.store.SignalStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A person's decision on an approval: approve or reject, with an optional comment and an optional
 * edited value that replaces what was put up for approval. Decisions travel through the {@link
 * dev.tasktree.store.SignalStore}: {@code deliver} raises a signal under {@link #signalKey} whose
 * reason is the decision as JSON, so code in the same process, another process (Redis) and the
 * trace server (a file in the trace dir, or Redis) all deliver it the same way.
 *
 * @param approved whether it was approved
 * @param comment the decider's comment, or {@code null}
 * @param value an edited value as JSON, or {@code null} to keep the proposed one
 * @param decidedBy who decided (free text, e.g. "ui" or a user name), or {@code null}
 * @param decidedAt when
 */
public record Decision(
    boolean approved, String comment, JsonNode value, String decidedBy, Instant decidedAt) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The prefix of the signal keys that carry decisions. */
  public static final String SIGNAL_PREFIX = "tasktree:approval:";

  /** Checks the instant. */
  public Decision {
    Objects.requireNonNull(decidedAt, "decidedAt");
  }

  /** An approval with no comment and no edited value. */
  public static Decision approve() {
    return new Decision(true, null, null, null, Instant.now());
  }

  /** A rejection with a comment. */
  public static Decision reject(String comment) {
    return new Decision(false, comment, null, null, Instant.now());
  }

  /** The signal key a decision on approval {@code approvalKey} is raised under. */
  public static String signalKey(String approvalKey) {
    return SIGNAL_PREFIX + approvalKey;
  }

  /** An approval that replaces the proposed value with {@code value}. */
  public static Decision approveWith(JsonNode value) {
    return new Decision(true, null, value, null, Instant.now());
  }

  /** The default time a delivered decision stays in the store: one day. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(1);

  /**
   * Delivers this decision on approval {@code approvalKey}: raises it in {@code store} under {@link
   * #signalKey}, for {@code ttl}. An Approval node watching that key (in any process sharing the
   * store) takes it at once; one that starts later takes it when it starts.
   *
   * @throws dev.tasktree.store.StoreException when the store cannot raise it
   */
  public void deliver(SignalStore store, String approvalKey, Duration ttl) {
    Objects.requireNonNull(approvalKey, "approvalKey");
    store.raise(signalKey(approvalKey), toJson(), ttl);
  }

  /** Like {@link #deliver(SignalStore, String, Duration)}, for {@link #DEFAULT_TTL}. */
  public void deliver(SignalStore store, String approvalKey) {
    deliver(store, approvalKey, DEFAULT_TTL);
  }

  /** This decision as JSON text (the signal's reason). */
  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("approved", approved);
    if (comment != null) {
      node.put("comment", comment);
    }
    if (value != null) {
      node.set("value", value);
    }
    if (decidedBy != null) {
      node.put("decidedBy", decidedBy);
    }
    node.put("decidedAt", decidedAt.toString());
    return node.toString();
  }

  /**
   * Reads a decision written by {@link #toJson}; empty when {@code json} is not one (a malformed
   * decision is never taken as an approval).
   */
  public static Optional<Decision> fromJson(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.path("approved").isBoolean()) {
        return Optional.empty();
      }
      JsonNode value = node.get("value");
      return Optional.of(
          new Decision(
              node.get("approved").booleanValue(),
              node.hasNonNull("comment") ? node.get("comment").asText() : null,
              value == null || value.isNull() ? null : value,
              node.hasNonNull("decidedBy") ? node.get("decidedBy").asText() : null,
              node.hasNonNull("decidedAt")
                  ? Instant.parse(node.get("decidedAt").asText())
                  : Instant.EPOCH));
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
