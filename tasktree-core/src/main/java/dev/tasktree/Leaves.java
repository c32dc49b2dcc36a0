package dev.tasktree;

import com.fasterxml.jackson.databind.JavaType;
import dev.tasktree.trace.LogLevel;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/** The leaf nodes: they do work and have no children. */
final class Leaves {

  private Leaves() {}

  /** Wraps a return value: a {@link Result} passes through, anything else is {@code OK(value)}. */
  static Result wrap(Object value) {
    return value instanceof Result r ? r : Result.ok(value);
  }

  /** Runs a function; see {@link TreeBuilder#call(ContextFunction)}. */
  static final class Call<B> extends Step<B> {
    private final ContextFunction<B, ?> function;

    Call(String name, ContextFunction<B, ?> function) {
      super(name, "Call");
      this.function = function;
    }

    @Override
    Result exec(B blackboard, Frame frame) throws Exception {
      return wrap(function.apply(blackboard, frame));
    }
  }

  /** A user or module node; see {@link TreeBuilder#node(Node)}. */
  static final class Custom<B> extends Step<B> {
    private final Node<B> node;

    Custom(String name, Node<B> node) {
      super(name, node.kind());
      this.node = node;
    }

    @Override
    Result exec(B blackboard, Frame frame) throws Exception {
      return node.execute(blackboard, frame);
    }
  }

  /** Records a log line; always OK(null). */
  static final class Log<B> extends Step<B> {
    private final LogLevel level;
    private final Function<B, String> message;

    Log(String name, LogLevel level, Function<B, String> message) {
      super(name, "Log");
      this.level = level;
      this.message = message;
    }

    @Override
    String details() {
      return level.name();
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      frame.log(level, message.apply(blackboard));
      return Result.ok();
    }
  }

  /** A placeholder; OK(null) with a TODO log line. */
  static final class Todo<B> extends Step<B> {
    private final String note;

    Todo(String name, String note) {
      super(name, "TODO");
      this.note = note;
    }

    @Override
    String details() {
      return '"' + note + '"';
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      frame.log(LogLevel.INFO, "TODO: " + note);
      return Result.ok();
    }
  }

  /** Always FAIL, with optional data. */
  static final class Failure<B> extends Step<B> {
    private final Function<B, ?> data;

    Failure(String name, Function<B, ?> data) {
      super(name, "Failure");
      this.data = data;
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      return Result.fail(data.apply(blackboard));
    }
  }

  /** OK(blackboard), so the trace shows it. */
  static final class ShowBlackboard<B> extends Step<B> {
    ShowBlackboard(String name) {
      super(name, "ShowBlackboard");
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      return Result.ok(blackboard);
    }
  }

  /** Writes the previous result's data through a setter; OK(data). */
  static final class WriteBlackboard<B> extends Step<B> {
    private final BiConsumer<B, Object> setter;

    WriteBlackboard(String name, BiConsumer<B, Object> setter) {
      super(name, "WriteBlackboard");
      this.setter = setter;
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      Result previous = frame.previous().orElse(null);
      if (previous == null) {
        return frame.failWith(
            new IllegalStateException("WriteBlackboard: no previous result to write"));
      }
      Object data = previous.data();
      try {
        setter.accept(blackboard, data);
      } catch (ClassCastException e) {
        return frame.failWith(
            new IllegalStateException(
                "WriteBlackboard: the setter does not accept the previous data ("
                    + (data == null ? "null" : data.getClass().getName())
                    + "): "
                    + e.getMessage(),
                e));
      }
      return Result.ok(data);
    }
  }

  /** OK(true) when the predicate holds, FAIL(false) otherwise. */
  static final class Condition<B> extends Step<B> {
    private final Predicate<B> predicate;

    Condition(String name, Predicate<B> predicate) {
      super(name, "Condition");
      this.predicate = predicate;
    }

    @Override
    Result exec(B blackboard, Frame frame) {
      boolean holds = predicate.test(blackboard);
      return Result.of(holds, holds);
    }
  }

  /** Runs another tree's root, with the same or a derived blackboard. */
  static final class Subtree<B, C> extends Step<B> {
    private final Tree<C> tree;
    private final Function<B, C> blackboard;

    Subtree(String name, Tree<C> tree, Function<B, C> blackboard) {
      super(name, "Subtree");
      this.tree = tree;
      this.blackboard = blackboard;
    }

    @Override
    List<? extends Step<?>> children() {
      return List.of(tree.root());
    }

    @Override
    Result exec(B parentBlackboard, Frame frame) {
      return frame.run(tree.root(), blackboard.apply(parentBlackboard));
    }
  }

  /** Parses JSON text leniently into a type, optionally writing it to the blackboard. */
  static final class ParseJson<B, T> extends Step<B> {
    private final Function<B, String> source;
    private final JavaType type;
    private final BiConsumer<B, ? super T> destination;

    /**
     * @param source null for the previous result's data
     * @param destination null for none
     */
    ParseJson(
        String name,
        Function<B, String> source,
        Class<T> type,
        BiConsumer<B, ? super T> destination) {
      super(name, "ParseJSON");
      this.source = source;
      this.type = LenientJson.type(type);
      this.destination = destination;
    }

    @Override
    String details() {
      return (source == null ? "from previous result" : "from blackboard")
          + (type.getRawClass() == Object.class ? "" : " as " + type.getRawClass().getSimpleName());
    }

    @Override
    @SuppressWarnings("unchecked")
    Result exec(B blackboard, Frame frame) {
      String text;
      if (source != null) {
        text = source.apply(blackboard);
      } else {
        Result previous = frame.previous().orElse(null);
        if (previous == null) {
          return frame.failWith(
              new IllegalStateException("ParseJSON: no previous result to parse"));
        }
        text = previous.data() == null ? null : previous.data().toString();
      }
      T value;
      try {
        value = (T) LenientJson.parse(text, type);
      } catch (IllegalArgumentException e) {
        frame.attribute("input", text);
        return frame.failWith(e);
      }
      if (destination != null) {
        destination.accept(blackboard, value);
      }
      return Result.ok(value);
    }
  }
}
