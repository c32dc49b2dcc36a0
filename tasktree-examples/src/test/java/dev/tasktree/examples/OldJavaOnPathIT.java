package dev.tasktree.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's first command when the {@code java} on PATH is older than the JDK in JAVA_HOME that
 * built the jar: the demo still runs (relaunched on JAVA_HOME's JVM), or the user gets one line
 * saying what to do, never an {@code UnsupportedClassVersionError}. Needs a JVM older than 21: the
 * first under {@code /usr/lib/jvm}, or {@code TASKTREE_OLD_JAVA}.
 */
class OldJavaOnPathIT {

  private static final Path JAR = Path.of("target", "tasktree-examples.jar").toAbsolutePath();
  private static final Path THIS_JDK = Path.of(System.getProperty("java.home"));
  private static Path oldJava;

  @BeforeAll
  static void findAnOldJava() throws IOException {
    Optional<Path> found = oldJava();
    Assumptions.assumeTrue(
        found.isPresent(),
        "no JVM older than Java 21 here to run the jar with: set TASKTREE_OLD_JAVA to its java");
    oldJava = found.get();
  }

  private static Optional<Path> oldJava() throws IOException {
    String configured = System.getenv("TASKTREE_OLD_JAVA");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes
          .filter(home -> Files.isExecutable(home.resolve("bin/java")))
          .filter(home -> feature(home) > 0 && feature(home) < 21)
          .map(home -> home.resolve("bin/java"))
          .sorted()
          .findFirst();
    }
  }

  /** The feature version in a JDK's {@code release} file, 0 when unreadable. */
  private static int feature(Path home) {
    try {
      return Files.readAllLines(home.resolve("release")).stream()
          .filter(line -> line.startsWith("JAVA_VERSION="))
          .map(line -> line.replaceAll("[^0-9.]", ""))
          .map(version -> version.startsWith("1.") ? version.substring(2) : version)
          .map(version -> Integer.parseInt(version.split("\\.")[0]))
          .findFirst()
          .orElse(0);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private record Outcome(int exit, List<String> lines) {}

  private static Outcome runWithOldJava(String javaHome, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(oldJava.toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("TASKTREE_RELAUNCHED");
    builder.environment().remove("OPENAI_BASE_URL");
    builder.environment().remove("OPENAI_API_KEY");
    builder.environment().remove("TASKTREE_REDIS_URL");
    if (javaHome != null) {
      builder.environment().put("JAVA_HOME", javaHome);
    }
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Outcome(process.exitValue(), out.lines().toList());
  }

  @Test
  void withJavaHomeOnAJdk21PlusTheDemoRunsThere() throws Exception {
    Outcome help = runWithOldJava(THIS_JDK.toString(), "--help");

    assertThat(help.exit()).as(String.join("\n", help.lines())).isZero();
    assertThat(String.join("\n", help.lines()))
        .contains("--no-serve", "--example")
        .doesNotContain("UnsupportedClassVersionError");
  }

  @Test
  void withTheDemoFailingOnJavaHomeItsExitCodeComesThrough() throws Exception {
    Outcome wrong = runWithOldJava(THIS_JDK.toString(), "--frobnicate");

    assertThat(wrong.exit()).isNotZero();
    assertThat(wrong.lines()).contains("Unknown option '--frobnicate'; try --help.");
  }

  @Test
  void withoutJavaHomeOneLineSaysWhatToDo() throws Exception {
    Outcome outcome = runWithOldJava(null, "--help");

    assertThat(outcome.exit()).isEqualTo(1);
    assertThat(outcome.lines()).hasSize(1);
    assertThat(outcome.lines().getFirst())
        .startsWith("The TaskTree demo needs Java 21 or newer, but this java is Java ")
        .contains("set JAVA_HOME to a JDK 21+", JAR.toString());
  }

  @Test
  void withJavaHomeAsOldAsPathOneLineNamesIt() throws Exception {
    String oldHome = oldJava.getParent().getParent().toString();
    Outcome outcome = runWithOldJava(oldHome, "--help");

    assertThat(outcome.exit()).isEqualTo(1);
    assertThat(outcome.lines()).hasSize(1);
    assertThat(outcome.lines().getFirst()).contains("JAVA_HOME (" + oldHome + ") is not a JDK 21+");
  }
}
