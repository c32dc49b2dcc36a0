package dev.tasktree.examples.launcher;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The runnable jar's entry point, compiled for Java 8 so that any {@code java} can load it. On Java
 * 21 or newer it runs {@code dev.tasktree.examples.Demo}. On an older {@code java} (the one on
 * {@code PATH} is often older than the JDK in {@code JAVA_HOME} that built the jar) it runs the jar
 * again with {@code $JAVA_HOME/bin/java} when that is a different JVM, and otherwise prints one line
 * saying what to do, instead of an {@code UnsupportedClassVersionError}.
 */
public final class Launcher {

  static final int REQUIRED = 21;
  static final String RELAUNCHED = "TASKTREE_RELAUNCHED";

  private Launcher() {}

  /** Runs the demo, here or in a JDK 21+ JVM. */
  public static void main(String[] args) throws Exception {
    int running = feature(System.getProperty("java.specification.version"));
    if (running >= REQUIRED) {
      runDemo(args);
      return;
    }
    String jar = thisJar();
    File java = relaunchable();
    if (java != null && jar != null) {
      System.exit(relaunch(java, jar, args));
    }
    System.err.println(advice(running, jar));
    System.exit(1);
  }

  private static void runDemo(String[] args) throws Exception {
    try {
      Class.forName("dev.tasktree.examples.Demo")
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      throw (Error) cause;
    }
  }

  /** {@code $JAVA_HOME/bin/java} when it is another JVM than this one and not tried already. */
  private static File relaunchable() {
    String home = System.getenv("JAVA_HOME");
    if (home == null || home.trim().isEmpty() || System.getenv(RELAUNCHED) != null) {
      return null;
    }
    boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    File java = new File(new File(home.trim(), "bin"), windows ? "java.exe" : "java");
    if (!java.isFile() || !java.canExecute() || sameJvm(new File(home.trim()))) {
      return null;
    }
    return java;
  }

  private static boolean sameJvm(File home) {
    try {
      File running = new File(System.getProperty("java.home")).getCanonicalFile();
      File candidate = home.getCanonicalFile();
      return running.equals(candidate) || running.equals(new File(candidate, "jre"));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static int relaunch(File java, String jar, String[] args) throws Exception {
    List<String> command = new ArrayList<String>();
    command.add(java.getPath());
    command.add("-jar");
    command.add(jar);
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().put(RELAUNCHED, "1");
    final Process child = builder.start();
    // Ctrl-C or a kill of this process stops the demo too, and waits for its shutdown.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                new Runnable() {
                  @Override
                  public void run() {
                    child.destroy();
                    try {
                      child.waitFor(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                }));
    return child.waitFor();
  }

  /** The one line printed when no JDK 21+ is at hand. */
  static String advice(int running, String jar) {
    String shown = jar == null ? "tasktree-examples.jar" : jar;
    String home = System.getenv("JAVA_HOME");
    String fix =
        home == null || home.trim().isEmpty()
            ? "set JAVA_HOME to a JDK 21+ (the one that built it) or put one first on PATH"
            : "JAVA_HOME (" + home.trim() + ") is not a JDK 21+ either: point it at one";
    return "The TaskTree demo needs Java "
        + REQUIRED
        + " or newer, but this java is Java "
        + running
        + " ("
        + System.getProperty("java.home")
        + "): "
        + fix
        + ", or run \"<JDK 21+>/bin/java\" -jar "
        + shown;
  }

  private static String thisJar() {
    try {
      File location =
          new File(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return location.isFile() ? location.getPath() : null;
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      return null;
    }
  }

  /** 8 for "1.8", 17 for "17". */
  static int feature(String specificationVersion) {
    String v = specificationVersion == null ? "0" : specificationVersion.trim();
    if (v.startsWith("1.")) {
      v = v.substring(2);
    }
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
  }
}
