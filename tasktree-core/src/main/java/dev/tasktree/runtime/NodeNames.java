package dev.tasktree.runtime;

import java.util.regex.Pattern;

/** Which names a node may take: a path must read back unambiguously. */
final class NodeNames {

  private static final Pattern INDEX = Pattern.compile(".*\\[\\d+].*");

  private NodeNames() {}

  /** Null when {@code name} is a valid node name, else what is wrong with it. */
  static String problem(String name) {
    if (name == null) {
      return "name must not be null";
    }
    if (name.isBlank()) {
      return "name must not be blank";
    }
    if ((" " + name + " ").contains(" > ")) {
      return "name \"" + name + "\" must not contain ' > ' (it separates path segments)";
    }
    if (INDEX.matcher(name).matches()) {
      return "name \"" + name + "\" must not contain an index like [3] (paths add it)";
    }
    if (!name.equals(name.strip())) {
      return "name \"" + name + "\" must not start or end with whitespace";
    }
    return null;
  }
}
