package dev.tasktree.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.spi.NodeInfo;
import dev.tasktree.trace.TraceJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a tree's {@link NodeInfo} shape from its compiled {@link Step}s. */
public final class Shapes {

  private Shapes() {}

  /**
   * The shape of the tree {@code treeName} with root node {@code root}: paths are those its spans
   * carry at run time (subtrees placed under the node that runs them).
   */
  public static NodeInfo of(String treeName, Step<?> root) {
    return new NodeInfo(
        "Tree", treeName, treeName, Map.of(), List.of(of(root, treeName + " > " + root.segment())));
  }

  private static NodeInfo of(Step<?> step, String path) {
    List<NodeInfo> children = new ArrayList<>();
    for (Step<?> child : step.children()) {
      children.add(of(child, path + " > " + child.segment()));
    }
    Map<String, JsonNode> details = new LinkedHashMap<>();
    step.arguments().forEach((k, v) -> details.put(k, TraceJson.toJson(v)));
    return new NodeInfo(step.kind(), step.name(), path, details, children);
  }
}
