package dev.tasktree.bench;

/**
 * One row of the report: a measured value, the baseline measured in the same run (if any), the goal
 * and whether it is met.
 *
 * @param name what is measured
 * @param value the measurement, formatted with its unit
 * @param baseline the baseline, formatted, or "—"
 * @param ratio value / baseline, or "—"
 * @param goal the goal as text
 * @param met "yes", "NO", or why it was not measured
 */
record Figure(String name, String value, String baseline, String ratio, String goal, String met) {

  static Figure skipped(String name, String goal, String reason) {
    return new Figure(name, "—", "—", "—", goal, "skipped: " + reason);
  }

  static String yesNo(boolean met) {
    return met ? "yes" : "NO";
  }
}
