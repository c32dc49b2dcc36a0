package dev.tasktree.server;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which {@code Host} (and {@code Origin}) headers the server answers, the defence against DNS
 * rebinding: a page on an attacker's domain whose name was re-pointed at this machine sends its own
 * domain as Host and gets a 403.
 *
 * <p>Accepted: the exact loopback literals — an IPv4 dotted quad {@code 127.a.b.c} (decimal, no
 * leading zeros), {@code [::1]} — and {@code localhost}, each with an optional port; plus the names
 * given with {@code --allowed-host} (exact, case-insensitive, with an optional port). Nothing else:
 * not {@code 127.0.0.1.evil.com}, {@code 127.evil.com}, {@code localhost.evil.com}, trailing dots,
 * decimal or hex forms of an address, or user-info. Immutable and thread-safe.
 */
final class HostPolicy {

  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  private final Set<String> allowed;

  /**
   * @param allowedHosts names accepted besides the loopback literals, lower case, without port
   */
  HostPolicy(List<String> allowedHosts) {
    this.allowed =
        Set.copyOf(allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList());
  }

  /** Whether a {@code Host} header value names this server. */
  boolean acceptsHost(String header) {
    if (header == null) {
      return false;
    }
    String value = header.toLowerCase(Locale.ROOT);
    String host;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0) {
        return false;
      }
      host = value.substring(0, close + 1);
      if (!portOk(value.substring(close + 1))) {
        return false;
      }
    } else {
      int colon = value.indexOf(':');
      host = colon < 0 ? value : value.substring(0, colon);
      if (colon >= 0 && !portOk(value.substring(colon))) {
        return false;
      }
    }
    return loopbackName(host) || allowed.contains(host);
  }

  /**
   * Whether an {@code Origin} header may act on this server: absent (not a browser's cross-site
   * request) or {@code http://<an accepted host>}.
   */
  boolean acceptsOrigin(String origin) {
    if (origin == null) {
      return true;
    }
    String o = origin.toLowerCase(Locale.ROOT);
    String rest;
    if (o.startsWith("http://")) {
      rest = o.substring(7);
    } else if (o.startsWith("https://")) {
      rest = o.substring(8);
    } else {
      return false; // "null" (sandboxed frames, files) and every other scheme
    }
    return !rest.contains("/") && !rest.contains("@") && acceptsHost(rest);
  }

  /** {@code localhost}, {@code [::1]} or a dotted-quad {@code 127.a.b.c}. */
  static boolean loopbackName(String host) {
    if (host.equals("localhost") || host.equals("[::1]")) {
      return true;
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String part : parts) {
      if (!OCTET.matcher(part).matches() || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Nothing, or {@code :port} with 1-5 digits in range. */
  private static boolean portOk(String suffix) {
    if (suffix.isEmpty()) {
      return true;
    }
    if (!suffix.startsWith(":")) {
      return false;
    }
    String digits = suffix.substring(1);
    return PORT.matcher(digits).matches() && Integer.parseInt(digits) <= 65535;
  }
}
