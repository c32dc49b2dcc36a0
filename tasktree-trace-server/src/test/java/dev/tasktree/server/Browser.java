package dev.tasktree.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
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

  private Browser() {}

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** Skips the calling tests when there is no browser (fails instead under CI=true). */
  static void assumeAvailable() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
      return;
    }
    String message =
        "browser tests need Chromium and chromedriver at "
            + CHROMIUM
            + " and "
            + DRIVER
            + " (Debian packages chromium and chromium-driver; or set TASKTREE_CHROMIUM and"
            + " TASKTREE_CHROMEDRIVER)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(message);
    }
    Assumptions.abort(message);
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
