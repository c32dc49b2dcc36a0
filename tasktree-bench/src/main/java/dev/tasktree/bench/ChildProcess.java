package dev.tasktree.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM on the bench jar's own classpath, running one of this module's main classes, with
 * its output read line by line so the bench can wait for what it reports.
 */
final class ChildProcess implements AutoCloseable {

  private static final String EOF = "\u0000eof";

  private final Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> all = new CopyOnWriteArrayList<>();
  private final List<String> unclaimed = new ArrayList<>(); // read by the one awaiting thread

  private ChildProcess(Process process) {
    this.process = process;
    Thread.ofVirtual()
        .name("bench-child-output-" + process.pid())
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                  all.add(line);
                  lines.add(line);
                }
              } catch (IOException e) {
                all.add("(output read failed: " + e + ")");
              } finally {
                lines.add(EOF);
              }
            });
  }

  /** Starts {@code main} with {@code args} in a new JVM (serial GC, 256 MB heap). */
  static ChildProcess start(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:+UseSerialGC", "-Xmx256m"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new ChildProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /**
   * Waits for a line starting with {@code prefix} that no earlier call returned, and returns it.
   * Lines that do not match stay available to later calls, so the order in which the child prints
   * independent facts does not matter.
   *
   * @throws IllegalStateException when the child ends or the time runs out first
   */
  String awaitLine(String prefix, Duration within) throws InterruptedException {
    for (int i = 0; i < unclaimed.size(); i++) {
      if (unclaimed.get(i).startsWith(prefix)) {
        return unclaimed.remove(i);
      }
    }
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new IllegalStateException(
            "child printed no line starting with '"
                + prefix
                + "' within "
                + within
                + ": "
                + tail());
      }
      if (line.equals(EOF)) {
        lines.add(EOF);
        throw new IllegalStateException("child ended before printing '" + prefix + "': " + tail());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
      unclaimed.add(line);
    }
  }

  /** Waits for the child to end and returns its exit code. */
  int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("child still running after " + within + ": " + tail());
    }
    return process.exitValue();
  }

  private String tail() {
    List<String> copy = List.copyOf(all);
    return String.join(" | ", copy.subList(Math.max(0, copy.size() - 10), copy.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
