package dev.tasktree.node;

import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.trace.LogLevel;
import java.util.Map;

/**
 * <b>Todo</b> ({@code todo(note)}): a placeholder for work not written yet.
 *
 * <p>Always OK(null); records {@code TODO: note} at INFO.
 *
 * @param <B> the blackboard type
 */
public final class Todo<B> extends Step<B> {

  private final String note;

  private Todo(String name, String note) {
    super(name, "Todo");
    this.note = note;
  }

  /** The descriptor of {@code todo(note)}. */
  public static <B> Spec<B> spec(String note) {
    return Spec.<B>leaf("Todo", name -> new Todo<>(name, note)).notNull(note, "note");
  }

  @Override
  public String details() {
    return '"' + note + '"';
  }

  @Override
  public Map<String, Object> arguments() {
    return Map.of("note", note);
  }

  @Override
  protected Result exec(B blackboard, Frame frame) {
    frame.log(LogLevel.INFO, "TODO: " + note);
    return Result.ok();
  }
}
