package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/semantics.md has one source of truth: each node's rules are its class comment in {@code
 * dev.tasktree.node}. Everything below the marker line of semantics.md is generated from those
 * comments; this test fails when the page is stale. Regenerate with {@code
 * -Dtasktree.regenerate=true}.
 */
class SemanticsDocTest {

  static final String MARKER =
      "<!-- Generated from the class comments in tasktree-core/src/main/java/dev/tasktree/node"
          + " (SemanticsDocTest); edit those, not this page, below this line. -->";

  private static final Path NODES = Path.of("src/main/java/dev/tasktree/node");
  private static final Path PAGE = Path.of("../docs/semantics.md");

  private static final Path BUILDER = Path.of("src/main/java/dev/tasktree/TreeBuilder.java");

  /** The node classes in the order TreeBuilder's verbs add them. */
  static List<String> nodesInVerbOrder() throws IOException {
    Matcher m =
        Pattern.compile("add\\((\\w+)\\.spec\\(")
            .matcher(Files.readString(BUILDER, StandardCharsets.UTF_8));
    List<String> nodes = new ArrayList<>();
    while (m.find()) {
      if (!nodes.contains(m.group(1))) {
        nodes.add(m.group(1));
      }
    }
    return nodes;
  }

  private static String source(String node) throws IOException {
    return Files.readString(NODES.resolve(node + ".java"), StandardCharsets.UTF_8);
  }

  /** Leaves, composites or decorators, by the Spec factory the node's descriptor uses. */
  private static String family(String node) throws IOException {
    String source = source(node);
    if (source.matches("(?s).*Spec\\.(<B>)?leaf\\(.*")) {
      return "Leaves";
    }
    return source.matches("(?s).*Spec\\.(<B>)?block\\(.*") ? "Composites" : "Decorators";
  }

  @Test
  void everyNodeClassHasAVerbAndIsOnThePage() throws IOException {
    List<String> withSpec = new ArrayList<>();
    try (Stream<Path> files = Files.list(NODES)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".java") && Files.readString(file).contains("public static <B")) {
          withSpec.add(name.substring(0, name.length() - ".java".length()));
        }
      }
    }
    assertThat(nodesInVerbOrder())
        .as("every node kind is added by a TreeBuilder verb")
        .containsExactlyInAnyOrderElementsOf(withSpec);
  }

  @Test
  void thePageIsGeneratedFromTheNodeClassComments() throws IOException {
    String page = Files.readString(PAGE, StandardCharsets.UTF_8);
    int marker = page.indexOf(MARKER);
    assertThat(marker).as("semantics.md lacks the marker line").isNotNegative();
    String expected = page.substring(0, marker) + MARKER + "\n" + generate();
    if (Boolean.getBoolean("tasktree.regenerate")) {
      Files.writeString(PAGE, expected, StandardCharsets.UTF_8);
      page = expected;
    }
    assertThat(page).as("semantics.md is stale; regenerate it").isEqualTo(expected);
  }

  static String generate() throws IOException {
    List<String> nodes = nodesInVerbOrder();
    StringBuilder md = new StringBuilder();
    section(md, "Leaves", "Leaves do the work; they have no children.", nodes);
    section(
        md,
        "Composites",
        "A composite's children are the nodes between its verb and `end()`.",
        nodes);
    section(
        md,
        "Decorators",
        "A decorator wraps exactly the one node that follows it; decorators chain"
            + " (`.timeout(…).retry(…).call(…)` is a Timeout around a Retry around the call).",
        nodes);
    return md.toString();
  }

  private static void section(StringBuilder md, String title, String intro, List<String> nodes)
      throws IOException {
    md.append("\n## ").append(title).append("\n\n").append(intro).append('\n');
    for (String node : nodes) {
      if (!family(node).equals(title)) {
        continue;
      }
      node(md, heading(node), node);
      if (node.equals("Cache")) {
        node(md, "Cache entries and single-flight", "CacheProtocol");
      }
    }
  }

  private static void node(StringBuilder md, String heading, String node) throws IOException {
    md.append("\n### ")
        .append(heading)
        .append("\n\n")
        .append(markdown(classComment(source(node), node)))
        .append('\n');
  }

  private static String heading(String node) {
    return node.equals("Custom") ? "Custom node" : node;
  }

  private static String classComment(String source, String node) {
    Matcher m =
        Pattern.compile(
                "/\\*\\*(.*?)\\*/\\s*(?:@\\w+\\s*)*(?:public )?final class " + node + "\\b",
                Pattern.DOTALL)
            .matcher(source);
    if (!m.find()) {
      throw new AssertionError(node + " has no class comment");
    }
    String body = m.group(1);
    body = body.substring(body.lastIndexOf("/**") + 1 > 0 ? body.lastIndexOf("/**") + 3 : 0);
    StringBuilder text = new StringBuilder();
    for (String line : body.split("\n")) {
      String l = line.strip();
      l = l.startsWith("*") ? l.substring(1).strip() : l;
      if (l.startsWith("@")) {
        break;
      }
      text.append(l).append('\n');
    }
    return text.toString().strip();
  }

  /** The few Javadoc constructs node comments use, as Markdown. */
  static String markdown(String javadoc) {
    String s = inlineTags(javadoc);
    s = s.replace("<p>", "\n").replaceAll("</?b>", "**").replaceAll("</?em>", "*");
    s =
        s.replaceAll("\\s*</?ul>\\s*", "\n\n")
            .replaceAll("\\s*<li>\\s*", "\n- ")
            .replace("</li>", "");
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    return s.replaceAll("\n{3,}", "\n\n").strip();
  }

  /** {@code x} → `x`, {@link A#b} → `A#b`, with nested braces. */
  private static String inlineTags(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      boolean code = s.startsWith("{@code", i);
      boolean link = s.startsWith("{@link", i);
      if (!code && !link) {
        out.append(s.charAt(i++));
        continue;
      }
      int depth = 0;
      int j = i;
      for (; j < s.length(); j++) {
        char c = s.charAt(j);
        if (c == '{') {
          depth++;
        } else if (c == '}' && --depth == 0) {
          break;
        }
      }
      String inner = s.substring(i + (code ? 6 : 6), j).strip().replaceAll("\\s*\\n\\s*", " ");
      if (link) {
        int space = inner.indexOf(' ');
        inner = space > 0 ? inner.substring(space + 1) : inner.replaceAll("^.*\\.", "");
      }
      out.append(inner.contains("`") ? "`` " + inner + " ``" : "`" + inner + "`");
      i = j + 1;
    }
    return out.toString();
  }
}
