package dev.tasktree.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM on this test classpath running a main class, with its output read line by line so a
 * test can wait for what the child reports. Shared with other modules through core's test jar.
 */
public final class ChildJvm implements AutoCloseable {

  private static final String EOF = "\u0000eof";

  private final Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> all = new CopyOnWriteArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread.ofVirtual()
        .name("child-jvm-output-" + process.pid())
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
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

  /** Starts {@code mainClass} with {@code args} in a JVM like this one, on this classpath. */
  public static ChildJvm start(Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-Xshare:auto");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    try {
      return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits for the next line starting with {@code prefix} and returns it, skipping other lines.
   *
   * @throws AssertionError when the child ends or the time runs out first
   */
  public String awaitLine(String prefix, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new AssertionError(
            "child printed no line starting with '"
                + prefix
                + "' within "
                + within
                + ":\n"
                + output());
      }
      if (line.equals(EOF)) {
        lines.add(EOF);
        throw new AssertionError(
            "child ended before printing '" + prefix + "' (exit " + exitCode() + "):\n" + output());
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Waits for the child to end and returns its exit code. */
  public int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("child still running after " + within + ":\n" + output());
    }
    return process.exitValue();
  }

  private String exitCode() {
    return process.isAlive() ? "still running" : String.valueOf(process.exitValue());
  }

  /** Everything the child printed so far. */
  public String output() {
    return String.join("\n", all);
  }

  /** The lines the child printed so far. */
  public List<String> lines() {
    return List.copyOf(all);
  }

  /** Kills the child with SIGKILL (no shutdown hooks run) and waits for it to die. */
  public void killHard() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
