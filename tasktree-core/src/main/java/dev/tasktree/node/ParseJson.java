package dev.tasktree.node;

import com.fasterxml.jackson.databind.JavaType;
import dev.tasktree.Result;
import dev.tasktree.runtime.Frame;
import dev.tasktree.runtime.Spec;
import dev.tasktree.runtime.Step;
import dev.tasktree.spi.LenientJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * <b>ParseJson</b> ({@code parseJson()}, {@code parseJson(type, into)}, {@code parseJson(source,
 * type, into)}): parses JSON text, leniently, into a type.
 *
 * <p>OK with the parsed value (maps, lists and values for {@code Object.class}). FAIL when there is
 * no text, or when it does not parse or fit the type; the span then records the {@code input} text.
 * The text is the previous result's data unless a blackboard getter is given; {@code into} writes
 * the value to the blackboard. Parsing follows {@link LenientJson}: {@code ```json} fences and
 * surrounding prose are stripped, trailing commas, comments, single quotes, unquoted names and raw
 * newlines in strings are accepted.
 *
 * @param <B> the blackboard type
 * @param <T> the parsed type
 */
public final class ParseJson<B, T> extends Step<B> {

  private final Function<B, String> source;
  private final JavaType type;
  private final BiConsumer<B, ? super T> destination;

  private ParseJson(
      String name, Function<B, String> source, Class<T> type, BiConsumer<B, ? super T> into) {
    super(name, "ParseJson");
    this.source = source;
    this.type = LenientJson.type(type);
    this.destination = into;
  }

  /**
   * The descriptor of {@code parseJson(source, type, into)}.
   *
   * @param source the text, from the blackboard; null for the previous result's data
   * @param into where to write the value; null for nowhere
   */
  public static <B, T> Spec<B> spec(
      Function<B, String> source, Class<T> type, BiConsumer<B, ? super T> into) {
    return Spec.<B>leaf("ParseJson", name -> new ParseJson<>(name, source, type, into))
        .notNull(type, "type");
  }

  @Override
  public boolean writesBlackboard() {
    return destination != null;
  }

  @Override
  public String details() {
    return (source == null ? "from previous result" : "from blackboard")
        + (type.getRawClass() == Object.class ? "" : " as " + type.getRawClass().getSimpleName());
  }

  @Override
  public Map<String, Object> arguments() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("source", source == null ? "previous result" : "blackboard");
    args.put("type", type.getRawClass().getName());
    return args;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Result exec(B blackboard, Frame frame) {
    String text;
    if (source != null) {
      text = source.apply(blackboard);
    } else {
      Result previous = frame.previous().orElse(null);
      if (previous == null) {
        return frame.failWith(new IllegalStateException("ParseJson: no previous result to parse"));
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
