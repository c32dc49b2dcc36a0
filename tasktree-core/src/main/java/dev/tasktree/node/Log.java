package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.trace.LogLevel;
import java.util.Map;
import java.util.function.Function;

/**
 * <b>Log</b> ({@code log(message)}, {@code log(level, b -> message)}): records a message on the
 * trace at its level.
 *
 * <p>Always OK(null).
 *
 * @param <B> the blackboard type
 */
public final class Log<B> extends Step<B> {

  private final LogLevel level;
  private final Function<B, String> message;

  private Log(String name, LogLevel level, Function<B, String> message) {
    super(name, "Log");
    this.level = level;
    this.message = message;
  }

  /** The descriptor of {@code log(level, message)}. */
  public static <B> Spec<B> spec(LogLevel level, Function<B, String> message) {
    return Spec.<B>leaf("Log", name -> new Log<>(name, level, message))
        .notNull(level, "level")
        .notNull(message, "message");
  }

  @Override
  public String details() {
    return level.name();
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("level", level.name());
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    frame.log(level, message.apply(blackboard));
    return Result.ok();
  }
}
