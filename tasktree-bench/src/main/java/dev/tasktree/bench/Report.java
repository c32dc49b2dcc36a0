package dev.tasktree.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Collects figures and prints them as one Markdown table. */
final class Report {

  private final List<Figure> figures = new ArrayList<>();

  void add(Figure figure) {
    figures.add(figure);
    System.err.println("  measured: " + figure.name() + " = " + figure.value());
  }

  List<Figure> figures() {
    return List.copyOf(figures);
  }

  void print(PrintStream out) {
    String[] header = {"figure", "value", "baseline", "ratio", "goal", "met"};
    int[] width = new int[header.length];
    List<String[]> rows = new ArrayList<>();
    rows.add(header);
    for (Figure f : figures) {
      rows.add(new String[] {f.name(), f.value(), f.baseline(), f.ratio(), f.goal(), f.met()});
    }
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder("|");
      for (int i = 0; i < header.length; i++) {
        line.append(' ').append(pad(rows.get(r)[i], width[i])).append(" |");
      }
      out.println(line);
      if (r == 0) {
        StringBuilder rule = new StringBuilder("|");
        for (int w : width) {
          rule.append('-').append("-".repeat(w)).append("-|");
        }
        out.println(rule);
      }
    }
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(width - text.length());
  }
}
