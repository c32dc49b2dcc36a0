package dev.tasktree.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node of a built tree's static shape, read-only: its kind (= its builder verb), its name, its
 * path (the same string its spans carry), its static arguments as JSON, and its children in order
 * (a fallback or else branch last). The root is the tree itself: kind {@code Tree}, name and path
 * the tree's name. Get it from {@code Tree.shape()}; the trace's first line carries it too (see
 * {@code docs/trace-format.md}), and {@code Trace.shape()} reads it back.
 */
public final class NodeInfo {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String kind;
  private final String name;
  private final String path;
  private final Map<String, JsonNode> details;
  private final List<NodeInfo> children;

  /**
   * @param kind the node kind, e.g. {@code Timeout}
   * @param name its span name (the kind unless named)
   * @param path its path from the tree's root, e.g. {@code Answer > Sequence > Timeout[0]}
   * @param details its static arguments (copied; JSON values are copied too)
   * @param children its children in order (copied)
   */
  public NodeInfo(
      String kind,
      String name,
      String path,
      Map<String, JsonNode> details,
      List<NodeInfo> children) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.name = Objects.requireNonNull(name, "name");
    this.path = Objects.requireNonNull(path, "path");
    Map<String, JsonNode> copy = new LinkedHashMap<>();
    details.forEach((k, v) -> copy.put(k, v.deepCopy()));
    this.details = Collections.unmodifiableMap(copy);
    this.children = List.copyOf(children);
  }

  /** The node kind. */
  public String kind() {
    return kind;
  }

  /** The span name. */
  public String name() {
    return name;
  }

  /** The path its spans carry. */
  public String path() {
    return path;
  }

  /**
   * The node's static arguments (timeout, retry policy, cache policy, limit...), read-only. The
   * values are copies: changing one changes nothing here.
   */
  public Map<String, JsonNode> details() {
    Map<String, JsonNode> copy = new LinkedHashMap<>();
    details.forEach((k, v) -> copy.put(k, v.deepCopy()));
    return Collections.unmodifiableMap(copy);
  }

  /** The children, in order. */
  public List<NodeInfo> children() {
    return children;
  }

  /** Walks this node and everything below it. */
  public void accept(NodeVisitor visitor) {
    if (visitor.enter(this)) {
      for (NodeInfo child : children) {
        child.accept(visitor);
      }
    }
    visitor.leave(this);
  }

  /** This node and its children, depth first. */
  public List<NodeInfo> flatten() {
    List<NodeInfo> all = new ArrayList<>();
    accept(
        node -> {
          all.add(node);
          return true;
        });
    return all;
  }

  /** This shape as the trace stores it: {@code {"kind", "name", "path", "details", "children"}}. */
  public ObjectNode toJson() {
    ObjectNode node = JSON.objectNode();
    node.put("kind", kind);
    node.put("name", name);
    node.put("path", path);
    ObjectNode args = node.putObject("details");
    details.forEach((k, v) -> args.set(k, v.deepCopy()));
    ArrayNode list = node.putArray("children");
    for (NodeInfo child : children) {
      list.add(child.toJson());
    }
    return node;
  }

  /**
   * Reads a shape as the trace stores it.
   *
   * @throws IllegalArgumentException when {@code json} is not a shape
   */
  public static NodeInfo fromJson(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("a shape node must be a JSON object");
    }
    Map<String, JsonNode> details = new LinkedHashMap<>();
    json.path("details").properties().forEach(e -> details.put(e.getKey(), e.getValue()));
    List<NodeInfo> children = new ArrayList<>();
    for (JsonNode child : json.path("children")) {
      children.add(fromJson(child));
    }
    return new NodeInfo(
        text(json, "kind"), text(json, "name"), text(json, "path"), details, children);
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("a shape node needs a string '" + field + "'");
    }
    return value.textValue();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeInfo n
        && kind.equals(n.kind)
        && name.equals(n.name)
        && path.equals(n.path)
        && details.equals(n.details)
        && children.equals(n.children);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name, path, details, children);
  }

  @Override
  public String toString() {
    return kind + " '" + name + "' at " + path;
  }
}
