package dev.tasktree.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** The first node at which two tree shapes (as {@code NodeInfo.toJson} writes them) differ. */
final class ShapeDiff {

  private ShapeDiff() {}

  /** A description of the first difference, naming the node's path; "none" when equal. */
  static String first(JsonNode was, JsonNode now) {
    String found = walk(was, now);
    return found == null ? "none (the shapes differ only in their encoding)" : found;
  }

  private static String walk(JsonNode was, JsonNode now) {
    String path = now.path("path").asText(was.path("path").asText("?"));
    String wasNode = describe(was);
    String nowNode = describe(now);
    if (!wasNode.equals(nowNode)) {
      return "'" + path + "' was " + wasNode + ", is now " + nowNode;
    }
    if (!Objects.equals(was.path("details"), now.path("details"))) {
      return "'" + path + "' had " + was.path("details") + ", has now " + now.path("details");
    }
    JsonNode wasChildren = was.path("children");
    JsonNode nowChildren = now.path("children");
    int common = Math.min(wasChildren.size(), nowChildren.size());
    for (int i = 0; i < common; i++) {
      String found = walk(wasChildren.get(i), nowChildren.get(i));
      if (found != null) {
        return found;
      }
    }
    if (wasChildren.size() != nowChildren.size()) {
      return "'"
          + path
          + "' had "
          + wasChildren.size()
          + " children, has now "
          + nowChildren.size();
    }
    return null;
  }

  private static String describe(JsonNode node) {
    return node.path("kind").asText("?") + " '" + node.path("name").asText("?") + "'";
  }
}
