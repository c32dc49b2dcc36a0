package dev.tasktree.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the JSON that people and LLMs actually write: inside {@code ```json} fences or prose, with
 * trailing commas, comments, single quotes, unquoted names and raw newlines in strings.
 */
public final class LenientJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(
              JsonReadFeature.ALLOW_TRAILING_COMMA,
              JsonReadFeature.ALLOW_JAVA_COMMENTS,
              JsonReadFeature.ALLOW_YAML_COMMENTS,
              JsonReadFeature.ALLOW_SINGLE_QUOTES,
              JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
              JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS,
              JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER,
              JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
              JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
              JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Pattern FENCE =
      Pattern.compile("```[ \\t]*[\\w.+-]*[ \\t]*\\r?\\n(.*?)```", Pattern.DOTALL);

  private LenientJson() {}

  /**
   * Parses {@code text} into {@code type} ({@code Object} gives maps, lists, strings, numbers).
   *
   * @throws IllegalArgumentException with the parser's message when it is not JSON even so
   */
  public static Object parse(String text, JavaType type) {
    if (text == null) {
      throw new IllegalArgumentException("no text to parse (null)");
    }
    String body = stripFences(text);
    try {
      return MAPPER.readValue(body, type);
    } catch (JsonProcessingException first) {
      String inner = outermostValue(body);
      if (inner != null && !inner.equals(body)) {
        try {
          return MAPPER.readValue(inner, type);
        } catch (JsonProcessingException ignored) {
          // report the first error: it describes the text as given
        }
      }
      throw new IllegalArgumentException("not JSON: " + first.getOriginalMessage(), first);
    }
  }

  /**
   * Parses {@code text} into {@code type}; see {@link #parse(String, JavaType)}.
   *
   * @throws IllegalArgumentException with the parser's message when it is not JSON even so
   */
  public static <T> T parse(String text, Class<T> type) {
    return type.cast(parse(text, type(type)));
  }

  /**
   * The JSON inside {@code text}: the content of its first fenced block ({@code ```json}, {@code
   * ```jsonc}, a bare {@code ```}, ...) when it has one, else the text itself, stripped of
   * surrounding whitespace.
   */
  public static String stripFences(String text) {
    String body = text.strip();
    Matcher fence = FENCE.matcher(body);
    return fence.find() ? fence.group(1).strip() : body;
  }

  /** The Jackson type for {@code type}. */
  public static JavaType type(Class<?> type) {
    return MAPPER.constructType(type);
  }

  /** The text from the first '{' or '[' to the last '}' or ']', for JSON wrapped in prose. */
  private static String outermostValue(String text) {
    int start = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{' || c == '[') {
        start = i;
        break;
      }
    }
    int end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
    return start >= 0 && end > start ? text.substring(start, end + 1) : null;
  }
}
