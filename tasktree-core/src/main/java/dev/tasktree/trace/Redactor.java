package dev.tasktree.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Walks values and text for a {@link RedactionPolicy}: field names at every depth, name/value
 * header objects, JSON inside strings, {@code name=value} pairs and secret-shaped values in text.
 * Copies only what changes, so a clean value comes back as the same instance.
 */
final class Redactor {

  static final TextNode REDACTED_NODE = new TextNode(TraceJson.REDACTED);

  /** JSON text longer than this is redacted as text, not parsed. */
  private static final int MAX_PARSED_CHARS = 1 << 20;

  /** JSON in strings in JSON... deeper than this is redacted as text. */
  private static final int MAX_DEPTH = 64;

  /** Shorter strings hold neither a pair nor a credential. */
  private static final int MIN_CHARS = 5;

  /**
   * {@code name=value}, {@code name: value}, {@code "name": "value"}, {@code name: Bearer xyz}: the
   * value is a quoted string or runs to the next space or delimiter.
   */
  private static final Pattern PAIR =
      Pattern.compile(
          "(?<![A-Za-z0-9_.\\-])(?<name>[A-Za-z_][A-Za-z0-9_.\\-]{0,63})[\"']?[ \\t]*[:=][ \\t]*"
              + "(?<value>\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'[^'\\n]*'?"
              + "|(?:(?i:bearer|basic|token|digest)[ \\t]+)?[^\\s\"',;&)}\\]]+)");

  /** Header names whose value runs to the end of the line ({@code Cookie: a=1; b=2}). */
  private static final List<String> WHOLE_LINE_NAMES = List.of("cookie", "authorization");

  /** Fields of a {@code {"name": "X-Api-Key", "value": "..."}} header object. */
  private static final List<String> NAME_FIELDS = List.of("name", "key", "header");

  private static final List<String> VALUE_FIELDS = List.of("value", "values");

  private final RedactionPolicy policy;
  private final List<Pattern> secretValues;
  private final boolean builtInValuesOnly;

  /**
   * @param builtInValuesOnly whether {@code secretValues} are exactly the built-in patterns, whose
   *     hints ({@link #mayHoldBuiltInSecret}) then skip the scan of most strings
   */
  Redactor(RedactionPolicy policy, List<Pattern> secretValues, boolean builtInValuesOnly) {
    this.policy = policy;
    this.secretValues = secretValues;
    this.builtInValuesOnly = builtInValuesOnly;
  }

  /**
   * False only when no built-in value pattern can match: each needs a {@code -}, {@code _} or
   * {@code :}, or starts with {@code eyJ}, {@code AKIA}/{@code ASIA}, {@code AIza} or {@code
   * Bearer}. One pass over the chars instead of a regex scan per pattern (the hot path of tracing).
   */
  private static boolean mayHoldBuiltInSecret(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '-' || c == '_' || c == ':') {
        return true;
      }
      if ((c == 'e' || c == 'A' || c == 'B' || c == 'b') && i + 3 < text.length()) {
        if (text.startsWith("eyJ", i)
            || text.startsWith("AKIA", i)
            || text.startsWith("ASIA", i)
            || text.startsWith("AIza", i)
            || text.regionMatches(true, i, "bearer", 0, 6)) {
          return true;
        }
      }
    }
    return false;
  }

  JsonNode redact(JsonNode node, int depth) {
    if (node.isTextual()) {
      String text = node.textValue();
      String redacted = redactString(text, depth);
      return redacted == text ? node : new TextNode(redacted);
    }
    if (node.isObject()) {
      return redactObject((ObjectNode) node, depth);
    }
    if (node.isArray()) {
      ArrayNode copy = null;
      for (int i = 0; i < node.size(); i++) {
        JsonNode item = node.get(i);
        JsonNode redacted = redact(item, depth + 1);
        if (redacted != item && copy == null) {
          copy = ((ArrayNode) node).deepCopy();
        }
        if (copy != null) {
          copy.set(i, redacted);
        }
      }
      return copy == null ? node : copy;
    }
    return node;
  }

  private JsonNode redactObject(ObjectNode node, int depth) {
    boolean headerObject = isSecretHeaderObject(node);
    ObjectNode copy = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      JsonNode redacted =
          (headerObject && VALUE_FIELDS.contains(field.getKey()))
                  || policy.isSecretField(field.getKey(), value)
              ? REDACTED_NODE
              : redact(value, depth + 1);
      if (redacted != value) {
        if (copy == null) {
          copy = node.deepCopy();
        }
        copy.set(field.getKey(), redacted);
      }
    }
    return copy == null ? node : copy;
  }

  /** {@code {"name": "Authorization", "value": ...}}: the value is hidden. */
  private boolean isSecretHeaderObject(ObjectNode node) {
    for (String nameField : NAME_FIELDS) {
      JsonNode name = node.get(nameField);
      if (name != null && name.isTextual() && policy.isSecretName(name.textValue())) {
        for (String valueField : VALUE_FIELDS) {
          if (node.has(valueField)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The same instance when nothing was hidden. */
  String redactString(String text, int depth) {
    if (text.length() < MIN_CHARS) {
      return text;
    }
    if (depth < MAX_DEPTH && text.length() <= MAX_PARSED_CHARS && looksLikeJson(text)) {
      JsonNode parsed = parse(text);
      if (parsed != null) {
        JsonNode redacted = redact(parsed, depth + 1);
        if (redacted == parsed) {
          return text;
        }
        try {
          return TraceJson.MAPPER.writeValueAsString(redacted);
        } catch (JsonProcessingException e) {
          return TraceJson.REDACTED; // cannot happen for a tree just parsed; never leak
        }
      }
    }
    return redactPairs(redactValues(text));
  }

  private static boolean looksLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{' || c == '[';
      }
    }
    return false;
  }

  private static JsonNode parse(String text) {
    try {
      JsonNode node = TraceJson.MAPPER.readTree(text);
      return node != null && node.isContainerNode() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private String redactValues(String text) {
    if (builtInValuesOnly && !mayHoldBuiltInSecret(text)) {
      return text;
    }
    String out = text;
    for (Pattern pattern : secretValues) {
      Matcher matcher = pattern.matcher(out);
      if (!matcher.find()) {
        continue;
      }
      boolean keep = pattern.pattern().contains("(?<keep>");
      StringBuilder result = new StringBuilder(out.length());
      int last = 0;
      do {
        result.append(out, last, matcher.start());
        if (keep && matcher.group("keep") != null) {
          result.append(matcher.group("keep"));
        }
        result.append(TraceJson.REDACTED);
        last = matcher.end();
      } while (matcher.find());
      result.append(out, last, out.length());
      out = result.toString();
    }
    return out;
  }

  private String redactPairs(String text) {
    if (text.indexOf('=') < 0 && text.indexOf(':') < 0) {
      return text;
    }
    Matcher matcher = PAIR.matcher(text);
    StringBuilder result = null;
    int last = 0;
    while (matcher.find()) {
      String name = matcher.group("name");
      String value = matcher.group("value");
      if (value.equals(TraceJson.REDACTED)
          || !policy.isSecretField(name, isNumber(value) ? IntNode.valueOf(0) : null)) {
        // The value may itself hold a pair ("rejected: token=..."): look again from there.
        matcher.region(matcher.start("value"), text.length());
        continue;
      }
      if (result == null) {
        result = new StringBuilder(text.length());
      }
      int end = matcher.end("value");
      if (WHOLE_LINE_NAMES.stream().anyMatch(RedactionPolicy.normalize(name)::contains)) {
        int newline = text.indexOf('\n', end);
        end = newline < 0 ? text.length() : newline;
      }
      result.append(text, last, matcher.start("value"));
      char quote = value.charAt(0);
      boolean quoted = quote == '"' || quote == '\'';
      result.append(quoted ? String.valueOf(quote) : "").append(TraceJson.REDACTED);
      if (quoted && value.length() > 1 && value.charAt(value.length() - 1) == quote) {
        result.append(quote);
      }
      last = end;
      if (end > matcher.end()) {
        matcher.region(end, text.length());
      }
    }
    if (result == null) {
      return text;
    }
    return result.append(text, last, text.length()).toString();
  }

  private static boolean isNumber(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < '0' || c > '9') && c != '.' && !(i == 0 && c == '-')) {
        return false;
      }
    }
    return true;
  }
}
