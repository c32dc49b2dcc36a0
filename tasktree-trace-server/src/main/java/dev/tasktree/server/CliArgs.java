package dev.tasktree.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one command: {@code --name value}, {@code --name=value}, flags, and positional
 * values. Unknown options are errors, so a typo never passes silently.
 */
final class CliArgs {

  final Map<String, List<String>> values = new LinkedHashMap<>();
  final List<String> positional = new ArrayList<>();

  /**
   * @param withValue options that take a value
   * @param flags options that do not
   * @throws IllegalArgumentException for an unknown option or a missing value
   */
  static CliArgs parse(String[] args, int from, Set<String> withValue, Set<String> flags) {
    CliArgs parsed = new CliArgs();
    for (int i = from; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      if (flags.contains(arg)) {
        if (value != null) {
          throw new IllegalArgumentException(arg + " takes no value");
        }
        parsed.values.computeIfAbsent(arg, k -> new ArrayList<>()).add("true");
      } else if (withValue.contains(arg)) {
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException(arg + " needs a value");
          }
          value = args[++i];
        }
        parsed.values.computeIfAbsent(arg, k -> new ArrayList<>()).add(value);
      } else if (arg.startsWith("-") && arg.length() > 1) {
        throw new IllegalArgumentException("unknown option '" + args[i] + "'");
      } else {
        parsed.positional.add(arg);
      }
    }
    return parsed;
  }

  String last(String name) {
    List<String> v = values.get(name);
    return v == null ? null : v.getLast();
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }
}
