package dev.tasktree.server;

import dev.tasktree.testsupport.MissingService;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the system packages ({@code chromium}, {@code chromium-driver}), driven by
 * Selenium. Nothing is downloaded: without the packages the browser tests are skipped, or fail when
 * {@code CI=true}.
 */
final class Browser {

  static final Path CHROMIUM = Path.of(env("TASKTREE_CHROMIUM", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(env("TASKTREE_CHROMEDRIVER", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final ThreadLocal<String> PRETENDED_MISSING = new ThreadLocal<>();

  private Browser() {}

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /**
   * Skips the calling tests when there is no browser (fails instead under CI=true).
   *
   * @throws org.opentest4j.TestAbortedException without a browser
   * @throws org.opentest4j.AssertionFailedError without a browser under CI
   */
  static void assumeAvailable() {
    String pretended = PRETENDED_MISSING.get();
    if (pretended != null) {
      MissingService.skipOrFail(pretended);
    }
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
      return;
    }
    MissingService.skipOrFail(
        "browser tests need Chromium and chromedriver at "
            + CHROMIUM
            + " and "
            + DRIVER
            + " (Debian packages chromium and chromium-driver; or set TASKTREE_CHROMIUM and"
            + " TASKTREE_CHROMEDRIVER)");
  }

  /**
   * Runs {@code body} on this thread as if there were no browser ({@code reason} being the
   * message): for tests of the skip rule itself.
   */
  static <T> T asIfMissing(String reason, Supplier<T> body) {
    PRETENDED_MISSING.set(reason);
    try {
      return body.get();
    } finally {
      PRETENDED_MISSING.remove();
    }
  }

  static ChromeDriver start() throws IOException {
    Path profile = Files.createTempDirectory("tasktree-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--user-data-dir=" + profile,
        "--window-size=1400,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /** Saves a screenshot as {@code target/screenshots/<name>.png}. */
  static Path screenshot(ChromeDriver driver, String name) throws IOException {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.createDirectories(SCREENSHOTS);
    Path target = SCREENSHOTS.resolve(name + ".png");
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }
}
