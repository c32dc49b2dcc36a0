package dev.tasktree;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The module exports only the public packages; every package says what it is for. */
class ModuleLayoutTest {

  @Test
  void theModuleExportsOnlyThePublicPackages() throws Exception {
    ModuleDescriptor module;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }
    assertThat(module.name()).isEqualTo("dev.tasktree.core");
    assertThat(module.exports().stream().map(ModuleDescriptor.Exports::source))
        .containsExactlyInAnyOrder(
            "dev.tasktree", "dev.tasktree.spi", "dev.tasktree.trace", "dev.tasktree.store");
    assertThat(module.exports()).allMatch(e -> !e.isQualified());
  }

  @Test
  void everyPackageHasAPackageInfo() throws Exception {
    Path root = Path.of("src/main/java/dev/tasktree");
    try (Stream<Path> dirs = Files.walk(root)) {
      List<Path> packages =
          dirs.filter(Files::isDirectory)
              .filter(
                  d -> {
                    try (Stream<Path> files = Files.list(d)) {
                      return files.anyMatch(f -> f.toString().endsWith(".java"));
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .toList();
      assertThat(packages).hasSize(6);
      assertThat(packages).allMatch(d -> Files.exists(d.resolve("package-info.java")));
    }
  }
}
