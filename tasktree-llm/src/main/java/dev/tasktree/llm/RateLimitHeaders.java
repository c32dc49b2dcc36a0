package dev.tasktree.llm;

import com.openai.core.http.Headers;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link RateLimits} from response headers: {@code retry-after-ms}, {@code Retry-After}
 * (seconds or an HTTP date), and {@code x-ratelimit-reset-*} in OpenAI's duration format ({@code
 * 1s}, {@code 6m0s}, {@code 20ms}, {@code 1h2m3.5s}) or plain seconds.
 */
final class RateLimitHeaders {

  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private RateLimitHeaders() {}

  /** The rate limits the headers state, or null when they state none. */
  static RateLimits read(Headers headers) {
    Duration retryAfter = millis(first(headers, "retry-after-ms"));
    if (retryAfter == null) {
      retryAfter = retryAfter(first(headers, "retry-after"));
    }
    Duration resetRequests = duration(first(headers, "x-ratelimit-reset-requests"));
    Duration resetTokens = duration(first(headers, "x-ratelimit-reset-tokens"));
    Long remainingRequests = number(first(headers, "x-ratelimit-remaining-requests"));
    Long remainingTokens = number(first(headers, "x-ratelimit-remaining-tokens"));
    if (retryAfter == null
        && resetRequests == null
        && resetTokens == null
        && remainingRequests == null
        && remainingTokens == null) {
      return null;
    }
    return new RateLimits(
        retryAfter, resetRequests, resetTokens, remainingRequests, remainingTokens);
  }

  private static String first(Headers headers, String name) {
    List<String> values = headers.values(name);
    return values.isEmpty() ? null : values.getFirst().trim();
  }

  private static Duration millis(String value) {
    try {
      return value == null ? null : Duration.ofMillis(Math.round(Double.parseDouble(value)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code Retry-After}: delay-seconds or an HTTP date. */
  static Duration retryAfter(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      double seconds = Double.parseDouble(value);
      return seconds < 0 ? null : Duration.ofMillis(Math.round(seconds * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration left = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return left.isNegative() ? Duration.ZERO : left;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  /** OpenAI's reset format ({@code 6m0s}, {@code 20ms}) or plain seconds. */
  static Duration duration(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    } catch (NumberFormatException notSeconds) {
      // the unit format below
    }
    Matcher m = DURATION_PART.matcher(value);
    double millis = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return null;
      }
      double n = Double.parseDouble(m.group(1));
      millis +=
          switch (m.group(2)) {
            case "h" -> n * 3_600_000;
            case "m" -> n * 60_000;
            case "s" -> n * 1000;
            default -> n;
          };
      end = m.end();
    }
    return end == value.length() && end > 0 ? Duration.ofMillis(Math.round(millis)) : null;
  }

  private static Long number(String value) {
    try {
      return value == null ? null : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
