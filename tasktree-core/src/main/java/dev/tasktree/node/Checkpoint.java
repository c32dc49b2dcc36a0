package dev.tasktree.node;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tasktree.ReplayedFailure;
import dev.tasktree.Result;
import dev.tasktree.runtime.Durable;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/**
 * <b>Checkpoint</b> ({@code checkpoint(type)} + a node): makes its child's subtree one checkpoint
 * of a durable run.
 *
 * <p>Without a journal ({@code RunOptions.withJournal}) it just runs its child and is its result.
 * With one, the child's result is journaled when it completes: an OK result's data as JSON of the
 * declared type ({@code checkpoint(Answer.class)}, or {@code checkpoint(new TypeReference<List<
 * Answer>>() {})} for a generic type), a FAIL result's data as its type and message. A resumed run
 * that finds the checkpoint in its journal does not run the child at all: it returns OK with the
 * data read back as the declared type, or FAIL with a {@code ReplayedFailure} carrying the original
 * failure's type and message, and the span records {@code tasktree.replayed = true}. A checkpoint
 * is identified by its path, the tries and loops of the Retry and RepeatWhile nodes around it and
 * its Gather item's index (in the path), so each occurrence is journaled and replayed on its own. A
 * cancelled child is not journaled. OK data that is not of the declared type fails the node.
 *
 * <p>A replayed subtree's side effects do not happen again, so its state must leave it through its
 * result: {@code build()} refuses a Checkpoint with a blackboard-writing node ({@code
 * writeBlackboard}, {@code parseJson(..., into)}) anywhere below it, naming that node; write the
 * checkpoint's result after it instead.
 *
 * @param <B> the blackboard type
 */
public final class Checkpoint<B> extends Step<B> {

  private static final ObjectMapper JSON = new ObjectMapper(); // strict: no bean is written as {}

  private final Step<B> child;
  private final JavaType type;
  private final Durable.Format format;

  private Checkpoint(String name, Step<B> child, JavaType type) {
    super(name, "Checkpoint");
    this.child = child;
    this.type = type;
    this.format = new JsonFormat(type);
  }

  /** The descriptor of {@code checkpoint(type)}. */
  public static <B> Spec<B> spec(Type type) {
    JavaType javaType = type == null ? null : JSON.getTypeFactory().constructType(type);
    return Spec.<B>decorator(
            "Checkpoint",
            (name, children, branch) -> new Checkpoint<>(name, children.getFirst(), javaType))
        .notNull(type, "type");
  }

  @Override
  public List<? extends Step<?>> children() {
    return List.of(child);
  }

  @Override
  public String details() {
    return type.toCanonical();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("type", type.toCanonical());
  }

  @Override
  public boolean refusesBlackboardWrites() {
    return true;
  }

  @Override
  protected Result exec(B blackboard, Frame frame) throws Exception {
    return frame.checkpoint("result", format, () -> frame.run(child, blackboard));
  }

  /** OK data as JSON of the declared type; FAIL data as its type and message. */
  private record JsonFormat(JavaType type) implements Durable.Format {

    @Override
    public String encode(Result result) throws Exception {
      Object data = result.data();
      if (result.isOk()) {
        if (data != null && !type.getRawClass().isInstance(data) && !type.isPrimitive()) {
          throw new IllegalArgumentException(
              "the result's data is a "
                  + data.getClass().getName()
                  + ", not the declared "
                  + type.toCanonical());
        }
        return JSON.writerFor(type).writeValueAsString(data);
      }
      ObjectNode failure = JSON.createObjectNode();
      if (data instanceof ReplayedFailure replayed) {
        failure.put("type", replayed.originalType());
        failure.put("message", replayed.getMessage());
      } else if (data instanceof Throwable t) {
        failure.put("type", t.getClass().getName());
        failure.put("message", t.getMessage());
      } else {
        failure.put("type", data == null ? "null" : data.getClass().getName());
        failure.put("message", String.valueOf(data));
      }
      return failure.toString();
    }

    @Override
    public Result decode(boolean ok, String json) throws Exception {
      if (ok) {
        return Result.ok(JSON.readValue(json, type));
      }
      var failure = JSON.readTree(json);
      return Result.fail(
          new ReplayedFailure(
              failure.path("type").asText("unknown"),
              failure.path("message").isNull() ? null : failure.path("message").asText()));
    }
  }
}
