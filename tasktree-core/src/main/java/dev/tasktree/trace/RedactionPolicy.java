package dev.tasktree.trace;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a trace must never show, and how it is hidden. Applied by the run to every value it records
 * — node data, attributes (their names included), log messages, error messages and stacks — at
 * every depth, before any {@link TraceSink} sees it, so files, the trace server's API and exporters
 * all get the redacted form. Immutable and thread-safe.
 *
 * <p>Three kinds of rule:
 *
 * <ul>
 *   <li><b>Secret names.</b> A field, attribute, header or {@code name=value} pair whose name
 *       contains one of the {@linkplain #defaults() default substrings} ({@code key}, {@code
 *       token}, {@code secret}, {@code passw}, {@code pwd}, {@code auth}, {@code credential},
 *       {@code cookie}, {@code bearer}, {@code signature}, {@code jwt}, {@code sessionid}) has its
 *       whole value replaced by {@value TraceJson#REDACTED}. Names are compared case-insensitively
 *       with separators ignored, so {@code api_key}, {@code apiKey}, {@code X-Api-Key} and {@code
 *       PRIVATE.KEY} all match.
 *   <li><b>Exceptions</b>, so that useful fields stay visible: names listed as allowed (compared
 *       whole, separators ignored: {@code cache_key}, {@code signal_key}, {@code author}, ...), and
 *       <em>counts</em>: a name whose only secret match is a count substring ({@code token}) stays
 *       visible when its value is a number — {@code input_tokens}, {@code max_tokens}, {@code
 *       gen_ai.usage.output_tokens}. A string or object under such a name is still hidden.
 *   <li><b>Secret values.</b> Strings shaped like credentials are hidden wherever they appear, even
 *       under a harmless name or inside prose: {@code sk-...} API keys, {@code Bearer ...} tokens,
 *       JWTs, AWS, Google, GitHub, Slack and Stripe keys, PEM private keys, and the password in
 *       {@code scheme://user:password@host}.
 * </ul>
 *
 * <p>Inside strings, JSON is parsed, redacted by the same rules and written back (a tool call's
 * {@code {"password": ...}} arguments); other text has its {@code name=value}, {@code name: value}
 * and {@code "name": "value"} pairs with secret names redacted, and its secret-shaped values.
 *
 * <pre>{@code
 * RedactionPolicy policy = RedactionPolicy.defaults().toBuilder()
 *     .secretNames("ssn", "iban")                          // added to the defaults
 *     .secretValues(Pattern.compile("acct-[0-9]{8}"))
 *     .build();
 * RunOptions options = RunOptions.defaults().withRedaction(policy);
 * }</pre>
 *
 * {@link #builder()} starts from no rules at all, to replace the defaults.
 */
public final class RedactionPolicy {

  private static final List<String> DEFAULT_SECRET_NAMES =
      List.of(
          "key",
          "token",
          "secret",
          "passw",
          "pwd",
          "auth",
          "credential",
          "cookie",
          "bearer",
          "signature",
          "jwt",
          "sessionid");

  private static final List<String> DEFAULT_ALLOWED_NAMES =
      List.of(
          "cache_key",
          "signal_key",
          "idempotency_key",
          "partition_key",
          "primary_key",
          "foreign_key",
          "sort_key",
          "routing_key",
          "tasktree.approval.key",
          "keyword",
          "keywords",
          "author",
          "authors",
          "author_name");

  private static final List<String> DEFAULT_COUNT_NAMES = List.of("token");

  private static final List<Pattern> DEFAULT_SECRET_VALUES =
      List.of(
          Pattern.compile("\\bsk-[A-Za-z0-9_-]{16,}"),
          Pattern.compile("\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"),
          Pattern.compile("(?<keep>\\b[Bb]earer\\s+)[A-Za-z0-9._~+/=-]{8,}"),
          Pattern.compile("\\beyJ[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}\\.[A-Za-z0-9_-]{6,}"),
          Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"),
          Pattern.compile("\\bAIza[0-9A-Za-z_-]{30,}"),
          Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})"),
          Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}"),
          Pattern.compile(
              "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"),
          Pattern.compile(
              "(?<keep>\\b[a-zA-Z][a-zA-Z0-9+.-]{0,15}://[^/\\s:@]{0,256}:)[^@\\s/]{1,256}(?=@)"));

  private static final RedactionPolicy DEFAULTS =
      new Builder()
          .secretNames(DEFAULT_SECRET_NAMES.toArray(String[]::new))
          .allowNames(DEFAULT_ALLOWED_NAMES.toArray(String[]::new))
          .countNames(DEFAULT_COUNT_NAMES.toArray(String[]::new))
          .secretValues(DEFAULT_SECRET_VALUES.toArray(Pattern[]::new))
          .build();

  private static final RedactionPolicy NONE = new Builder().build();

  private final List<String> secretNames;
  private final Set<String> allowedNames;
  private final List<String> countNames;
  private final List<Pattern> secretValues;
  private final Redactor redactor;

  private RedactionPolicy(Builder builder) {
    this.secretNames = List.copyOf(builder.secretNames);
    this.allowedNames = Set.copyOf(builder.allowedNames);
    this.countNames = List.copyOf(builder.countNames);
    this.secretValues = List.copyOf(builder.secretValues);
    this.redactor = new Redactor(this, secretValues, secretValues.equals(DEFAULT_SECRET_VALUES));
  }

  /** The default rules (see the class comment). */
  public static RedactionPolicy defaults() {
    return DEFAULTS;
  }

  /** No rules: nothing is redacted. Only for traces that never leave a trusted machine. */
  public static RedactionPolicy none() {
    return NONE;
  }

  /** A builder with no rules, to replace the defaults entirely. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's rules, to add to them. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.secretNames.addAll(secretNames);
    builder.allowedNames.addAll(allowedNames);
    builder.countNames.addAll(countNames);
    builder.secretValues.addAll(secretValues);
    return builder;
  }

  /**
   * Whether a field of this name holding this value is hidden.
   *
   * @param value the field's value; a number keeps a count name visible ({@code max_tokens})
   */
  public boolean isSecretField(String name, JsonNode value) {
    String normalized = normalize(name);
    if (normalized.isEmpty() || allowedNames.contains(normalized)) {
      return false;
    }
    boolean countOnly = true;
    boolean matched = false;
    for (String secret : secretNames) {
      if (normalized.contains(secret)) {
        matched = true;
        if (!countNames.contains(secret)) {
          countOnly = false;
          break;
        }
      }
    }
    if (!matched) {
      return false;
    }
    return !(countOnly && value != null && value.isNumber());
  }

  /** Whether a field of this name is hidden whatever its value (a count name is not). */
  public boolean isSecretName(String name) {
    return isSecretField(name, null);
  }

  /**
   * This value with every secret hidden, at every depth (strings holding JSON included). Returns
   * the same instance when nothing was hidden.
   */
  public JsonNode redact(JsonNode value) {
    return value == null ? null : redactor.redact(value, 0);
  }

  /**
   * A field's value as recorded under {@code name}: {@value TraceJson#REDACTED} when the name is
   * secret, else {@link #redact(JsonNode)}.
   */
  public JsonNode redactField(String name, JsonNode value) {
    return isSecretField(name, value) ? Redactor.REDACTED_NODE : redact(value);
  }

  /**
   * Free text (a log message, an exception message or stack) with its secret-shaped values and
   * secret {@code name=value} pairs hidden; JSON text is redacted as JSON.
   */
  public String redactText(String text) {
    return text == null ? null : redactor.redactString(text, 0);
  }

  /** Lower case, letters and digits only: {@code X-Api_Key} becomes {@code xapikey}. */
  static String normalize(String name) {
    StringBuilder out = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (keep && out == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(name.length()).append(name, 0, i);
      }
      if (keep) {
        out.append(c);
      } else if (c >= 'A' && c <= 'Z') {
        out.append((char) (c + 32));
      } else if (Character.isLetterOrDigit(c)) {
        out.append(Character.toLowerCase(c));
      }
    }
    return out == null ? name : out.toString();
  }

  @Override
  public String toString() {
    return "RedactionPolicy[names="
        + secretNames
        + ", allowed="
        + allowedNames
        + ", counts="
        + countNames
        + ", values="
        + secretValues.size()
        + "]";
  }

  /** Collects rules; names are normalized (case and separators ignored). Not thread-safe. */
  public static final class Builder {
    private final Set<String> secretNames = new LinkedHashSet<>();
    private final Set<String> allowedNames = new LinkedHashSet<>();
    private final Set<String> countNames = new LinkedHashSet<>();
    private final List<Pattern> secretValues = new ArrayList<>();

    private Builder() {}

    /**
     * Hides fields whose name contains any of these substrings.
     *
     * @throws IllegalArgumentException when a substring has no letter or digit
     */
    public Builder secretNames(String... substrings) {
      for (String substring : substrings) {
        secretNames.add(checked(substring));
      }
      return this;
    }

    /**
     * Keeps fields of exactly these names visible (compared whole, separators ignored), even when
     * they contain a secret substring.
     *
     * @throws IllegalArgumentException when a name has no letter or digit
     */
    public Builder allowNames(String... names) {
      for (String name : names) {
        allowedNames.add(checked(name));
      }
      return this;
    }

    /**
     * Marks secret substrings that also name counts: a field matching only these stays visible when
     * its value is a number. Each is added as a secret name too.
     *
     * @throws IllegalArgumentException when a substring has no letter or digit
     */
    public Builder countNames(String... substrings) {
      for (String substring : substrings) {
        String normalized = checked(substring);
        countNames.add(normalized);
        secretNames.add(normalized);
      }
      return this;
    }

    /** Hides every match of these patterns in any string (a named group {@code keep} is kept). */
    public Builder secretValues(Pattern... patterns) {
      for (Pattern pattern : patterns) {
        secretValues.add(Objects.requireNonNull(pattern, "pattern"));
      }
      return this;
    }

    /** The policy. */
    public RedactionPolicy build() {
      return new RedactionPolicy(this);
    }

    private static String checked(String name) {
      String normalized = normalize(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT));
      if (normalized.isEmpty()) {
        throw new IllegalArgumentException(
            "a redaction name needs a letter or digit, found '" + name + "'");
      }
      return normalized;
    }
  }
}
