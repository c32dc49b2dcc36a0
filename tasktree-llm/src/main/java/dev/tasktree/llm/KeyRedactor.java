package dev.tasktree.llm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs key-shaped strings from text a provider sent back (error messages echo keys: {@code
 * "Incorrect API key provided: sk-abc..."}) before it reaches a FAIL's data, a log or a trace: API
 * keys with a known prefix ({@code sk-}, {@code sk_live_}, {@code gsk_}, {@code xai-}, {@code
 * AIza}, ...), bearer tokens, JWTs, {@code key=...}-style assignments, and long random-looking
 * tokens. Stateless and thread-safe.
 */
final class KeyRedactor {

  /** What a redacted key is replaced with. */
  static final String REDACTED = "[REDACTED]";

  private static final Pattern KEY_SHAPED =
      Pattern.compile(
          String.join(
              "|",
              // prefixed API keys: OpenAI/DeepSeek sk-, Stripe-like sk_live_, Groq gsk_, xAI xai-,
              // Anthropic sk-ant-, OpenRouter sk-or-, project keys sk-proj-, Google AIza
              "\\b(?:sk|rk|pk|gsk|xai|sess)[-_][A-Za-z0-9_\\-]{3,}",
              "\\bAIza[0-9A-Za-z_\\-]{10,}",
              // JWTs
              "\\beyJ[A-Za-z0-9_\\-]{5,}\\.[A-Za-z0-9_\\-]{5,}\\.[A-Za-z0-9_\\-]*",
              // long random-looking tokens (letters and digits mixed, 32 characters or more)
              "\\b(?=[A-Za-z0-9_\\-]*[0-9])(?=[A-Za-z0-9_\\-]*[A-Za-z])[A-Za-z0-9_\\-]{32,}"));

  /** {@code Bearer xyz}, {@code api_key=xyz}, {@code "token": "xyz"}: the value is redacted. */
  private static final Pattern ASSIGNED =
      Pattern.compile(
          "(?i)(\\bbearer\\s+|\\b(?:api[_-]?key|access[_-]?token|token|secret|password|"
              + "authorization)[\"']?\\s*[:=]\\s*[\"']?)([^\\s\"',;}&]+)");

  private KeyRedactor() {}

  /** {@code text} with every key-shaped part replaced by {@value #REDACTED}; null stays null. */
  static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    Matcher assigned = ASSIGNED.matcher(text);
    String result = assigned.find() ? assigned.replaceAll("$1" + REDACTED) : text;
    Matcher keys = KEY_SHAPED.matcher(result);
    return keys.find() ? keys.replaceAll(REDACTED) : result;
  }
}
