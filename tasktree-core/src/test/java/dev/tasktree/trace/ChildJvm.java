package dev.tasktree.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A second JVM on the test classpath, running a main class; its stdout lines are collected. */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // the process died; what it printed is kept
              }
            });
  }

  /** Starts {@code mainClass} with the current JVM and classpath. */
  public static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** What the child printed so far. */
  public List<String> lines() {
    return lines;
  }

  /** The process. */
  public Process process() {
    return process;
  }

  /** Kills the process with SIGKILL (no shutdown hooks run) and waits for it to die. */
  public void killHard() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    killHard();
  }
}
