package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The page names every UI module in a {@code modulepreload} link, so the browser fetches them all
 * at once instead of discovering them import by import (each level of imports would cost a round
 * trip before the run view can even ask for its trace). A module added without its link fails here.
 */
class ModulePreloadTest {

  private static final Path UI = Path.of("../tasktree-ui/src/main/resources/dev/tasktree/ui");

  @Test
  void indexHtmlPreloadsEveryModule() throws IOException {
    String html = Files.readString(UI.resolve("index.html"), StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile("<link rel=\"modulepreload\" href=\"/ui/([a-z0-9-]+\\.js)\">")
            .matcher(html);
    List<String> preloaded = m.results().map(r -> r.group(1)).sorted().toList();
    List<String> modules;
    try (Stream<Path> files = Files.list(UI)) {
      modules =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".js"))
              .sorted()
              .toList();
    }
    // boot.js is a classic script (it must run before the modules have loaded), not a module.
    assertThat(html).contains("<script src=\"/ui/boot.js\"></script>");
    modules = modules.stream().filter(n -> !n.equals("boot.js")).toList();
    assertThat(modules).isNotEmpty();
    assertThat(preloaded).isEqualTo(modules);
  }
}
