package dev.tasktree.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.tasktree.spi.NodeInfo;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.Span;
import dev.tasktree.trace.Trace;
import dev.tasktree.trace.TraceIds;
import dev.tasktree.trace.TraceReader;
import dev.tasktree.trace.TraceSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The history commands over a trace directory, without a server: {@code list} prints runs newest
 * first, {@code show} prints one run's status outline. Both read through {@link TraceFileReader}
 * (the server's safe reads) and print plain lines that fit a terminal, or stable JSON with {@code
 * --json} (the API's shapes: list items as in {@code GET /api/traces}, a trace as in {@code GET
 * /api/traces/{id}}).
 */
final class HistoryCommands {

  static final int WIDTH = 120;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private HistoryCommands() {}

  static TraceFileReader files(CliArgs args, Duration staleAfter) throws IOException {
    Path dir = Path.of(args.last("--trace-dir") == null ? ".traces" : args.last("--trace-dir"));
    if (!java.nio.file.Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no trace directory " + dir);
    }
    return new TraceFileReader(
        dir.toRealPath(), new TraceReader(Clock.systemUTC(), staleAfter), LoadBudget.forHeap());
  }

  /** {@code list [--status S] [--name X] [--since 1h] [--limit N] [--json]}. */
  static int list(String[] argv, PrintStream out) throws IOException {
    CliArgs args =
        CliArgs.parse(
            argv,
            1,
            Set.of("--trace-dir", "--status", "--name", "--since", "--limit"),
            Set.of("--json"));
    int limit = args.last("--limit") == null ? 20 : Retention.count(args.last("--limit"));
    Set<String> statuses = new java.util.HashSet<>();
    for (String s : args.all("--status")) {
      for (String one : s.split(",")) {
        if (!one.isBlank()) {
          statuses.add(one.trim().toUpperCase(Locale.ROOT));
        }
      }
    }
    String name = args.last("--name") == null ? null : args.last("--name").toLowerCase(Locale.ROOT);
    Instant since =
        args.last("--since") == null
            ? null
            : Instant.now().minus(Retention.age(args.last("--since")));
    List<IndexEntry> entries =
        new ArrayList<>(DirectoryScan.scan(files(args, Duration.ofSeconds(10))));
    entries.sort(Comparator.comparingLong(IndexEntry::startKey).reversed());
    List<IndexEntry> shown = new ArrayList<>();
    for (IndexEntry e : entries) {
      if (!statuses.isEmpty() && !statuses.contains(e.statusName())) {
        continue;
      }
      if (name != null
          && (e.summary() == null || !e.summary().name().toLowerCase(Locale.ROOT).contains(name))) {
        continue;
      }
      if (since != null && startOf(e).isBefore(since)) {
        continue;
      }
      if (shown.size() == limit) {
        break;
      }
      shown.add(e);
    }
    if (args.flag("--json")) {
      try (JsonGenerator g = generator(out)) {
        g.writeStartObject();
        g.writeArrayFieldStart("items");
        for (IndexEntry e : shown) {
          JsonViews.summary(g, e);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      out.println();
      return 0;
    }
    out.printf(
        "%-19s  %-11s  %9s  %5s  %9s  %s%n",
        "START (UTC)", "STATUS", "DURATION", "ERR", "COST", "ID  NAME");
    for (IndexEntry e : shown) {
      TraceSummary s = e.summary();
      String line =
          s == null
              ? String.format(
                  "%-19s  %-11s  %9s  %5s  %9s  %s (%s)",
                  TIME.format(e.modified()),
                  "UNREADABLE",
                  "-",
                  "-",
                  "-",
                  e.id(),
                  e.unreadableReason())
              : String.format(
                  "%-19s  %-11s  %9s  %5d  %9s  %s  %s",
                  TIME.format(s.start()),
                  s.status(),
                  duration(s.duration()),
                  s.errorCount(),
                  cost(s.costUsd()),
                  e.id(),
                  s.name());
      out.println(fit(line));
    }
    if (shown.isEmpty()) {
      out.println("(no runs match)");
    }
    return 0;
  }

  /** {@code show ID [--json]}. */
  static int show(String[] argv, PrintStream out) throws IOException {
    CliArgs args = CliArgs.parse(argv, 1, Set.of("--trace-dir"), Set.of("--json"));
    if (args.positional.size() != 1) {
      throw new IllegalArgumentException("show needs one trace id (see 'list')");
    }
    String id = args.positional.getFirst();
    if (!TraceIds.isValid(id)) {
      throw new IllegalArgumentException("'" + id + "' is not a trace id");
    }
    TraceFileReader files = files(args, Duration.ofSeconds(10));
    TraceLoader.Loaded loaded;
    try {
      loaded = new TraceLoader(files, Duration.ofSeconds(10)).load(id);
    } catch (ApiException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    loaded.close(); // nothing else loads in this process
    Trace trace = loaded.trace();
    if (args.flag("--json")) {
      try (JsonGenerator g = generator(out)) {
        JsonViews.trace(g, loaded.entry(), trace, loaded.offset(), TraceShape.head(files.file(id)));
      }
      out.println();
      return 0;
    }
    TraceSummary s = trace.summary();
    out.println(fit(s.name() + "  " + id));
    out.println(
        fit(
            String.format(
                "%s  %s  started %s UTC  %d spans, %d errors, tokens %d in / %d" + " out, %s",
                s.status(),
                duration(s.duration()),
                TIME.format(s.start()),
                s.spanCount(),
                s.errorCount(),
                s.inputTokens(),
                s.outputTokens(),
                cost(s.costUsd()))));
    ShapeMerge shape = new ShapeMerge(trace.shape());
    for (Span root : trace.roots()) {
      outline(out, root, root.path(), 0, shape);
    }
    return 0;
  }

  /**
   * Where the tree's static shape (format v2) puts nodes that never ran: matched to spans by path
   * (a Gather item's span, whose path adds the item index, matches its per-item node), the same
   * rule as the UI's {@code shape.js}. Without a shape (format v1) nothing is added.
   */
  private static final class ShapeMerge {
    private final Map<String, NodeInfo> byPath = new HashMap<>();

    ShapeMerge(NodeInfo root) {
      if (root != null) {
        for (NodeInfo node : root.flatten()) {
          byPath.putIfAbsent(node.path(), node);
        }
      }
    }

    /**
     * The shape path of a child span: its path under its parent's shape path (so the spans inside a
     * Gather item, whose paths carry the item index, find the per-item nodes), without a trailing
     * item index when only that matches.
     */
    String pathOf(Span child, Span parent, String parentShapePath) {
      String candidate =
          parentShapePath != null && child.path().startsWith(parent.path())
              ? parentShapePath + child.path().substring(parent.path().length())
              : child.path();
      if (byPath.containsKey(candidate)) {
        return candidate;
      }
      String stripped = candidate.replaceFirst("\\[[0-9]+]$", "");
      return byPath.containsKey(stripped) ? stripped : candidate;
    }

    NodeInfo of(String shapePath) {
      return byPath.get(shapePath);
    }
  }

  /** A span, then its children with the shape's never-run nodes in their places. */
  private static void outline(
      PrintStream out, Span span, String shapePath, int depth, ShapeMerge shape) {
    out.println(fit(spanLine(span, depth)));
    NodeInfo node = shape.of(shapePath);
    List<NodeInfo> shapeKids = node == null ? List.of() : node.children();
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < shapeKids.size(); i++) {
      position.putIfAbsent(shapeKids.get(i).path(), i);
    }
    List<String> childPaths = new ArrayList<>();
    for (Span child : span.children()) {
      childPaths.add(shape.pathOf(child, span, shapePath));
    }
    Set<String> ran = new java.util.HashSet<>(childPaths);
    int next = 0;
    for (int c = 0; c < span.children().size(); c++) {
      Integer at = position.get(childPaths.get(c));
      if (at != null && at >= next) {
        notRun(out, shapeKids, next, at, ran, depth + 1);
        next = at + 1;
      }
      outline(out, span.children().get(c), childPaths.get(c), depth + 1, shape);
    }
    notRun(out, shapeKids, next, shapeKids.size(), ran, depth + 1);
  }

  /** Prints the shape nodes in {@code [from, to)} that did not run, with their subtrees. */
  private static int notRun(
      PrintStream out, List<NodeInfo> nodes, int from, int to, Set<String> ran, int depth) {
    for (int i = from; i < to; i++) {
      if (!ran.contains(nodes.get(i).path())) {
        notRun(out, nodes.get(i), depth);
      }
    }
    return to;
  }

  private static void notRun(PrintStream out, NodeInfo node, int depth) {
    StringBuilder line = new StringBuilder("  ".repeat(depth + 1)).append(NOT_RUN);
    line.append("  ").append(node.name());
    if (!node.kind().equals(node.name())) {
      line.append(" [").append(node.kind()).append(']');
    }
    out.println(fit(line.toString()));
    for (NodeInfo child : node.children()) {
      notRun(out, child, depth + 1);
    }
  }

  /** How a node that never ran in this run is marked in {@code show}. */
  static final String NOT_RUN = "NOT RUN";

  private static String spanLine(Span span, int depth) {
    StringBuilder line = new StringBuilder("  ".repeat(depth + 1));
    line.append(span.status()).append("  ").append(span.name());
    if (!span.kind().equals(span.name())) {
      line.append(" [").append(span.kind()).append(']');
    }
    if (span.end() != null) {
      line.append("  ").append(duration(Duration.between(span.start(), span.end())));
    }
    long in = number(span, Attributes.INPUT_TOKENS).asLong(0);
    long outTokens = number(span, Attributes.OUTPUT_TOKENS).asLong(0);
    double c = number(span, Attributes.COST_USD).asDouble(0);
    if (in > 0 || outTokens > 0) {
      line.append("  tokens ").append(in).append('/').append(outTokens);
    }
    if (c > 0) {
      line.append("  ").append(cost(c));
    }
    if (span.error() != null) {
      String message = span.error().message() == null ? "" : span.error().message();
      line.append("  error ")
          .append(span.error().type())
          .append(": ")
          .append(message.lines().findFirst().orElse(""));
    }
    return line.toString();
  }

  /** A span's attribute, or a JSON null (whose number is the caller's default) when absent. */
  private static JsonNode number(Span span, String attribute) {
    JsonNode value = span.attribute(attribute);
    return value == null ? NullNode.getInstance() : value;
  }

  private static Instant startOf(IndexEntry e) {
    return e.summary() == null ? e.modified() : e.summary().start();
  }

  static String duration(Duration d) {
    long micros = d.toNanos() / 1_000;
    if (micros < 1_000) {
      return micros + " µs";
    }
    if (micros < 1_000_000) {
      return String.format("%.1f ms", micros / 1e3);
    }
    if (micros < 600_000_000) {
      return String.format("%.2f s", micros / 1e6);
    }
    return String.format("%.1f min", micros / 6e7);
  }

  private static String cost(double usd) {
    return usd == 0 ? "-" : String.format("$%.4f", usd);
  }

  /** One line, cut to the terminal width with a marker, control characters replaced. */
  static String fit(String line) {
    String clean = line.replaceAll("\\p{Cntrl}", " ");
    return clean.length() <= WIDTH ? clean : clean.substring(0, WIDTH - 1) + "…";
  }

  private static JsonGenerator generator(PrintStream out) throws IOException {
    JsonGenerator g = JsonViews.JSON.getFactory().createGenerator(out);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    return g;
  }
}
