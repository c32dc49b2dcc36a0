package dev.tasktree.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Checks the consumer project that maven-invoker-plugin built in {@code target/it/consumer}: a
 * project that imports only {@code tasktree-bom}, as a user's would. It must resolve exactly what
 * the reactor resolved for the same modules, carry no logging binding, and find in the local
 * repository (and in the modules' target directories, for the attached jars) what Maven Central
 * requires of each published module.
 */
class ConsumerProjectIT {

  private static final Pattern LIST_ENTRY = Pattern.compile("[\\w.\\-]+:[\\w.\\-]+:.+");
  private static final Pattern SCOPE = Pattern.compile(":(compile|runtime|provided|system|test)$");
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

  /** Published modules named by Automatic-Module-Name (core has a module-info), with the name. */
  private static final Map<String, String> MODULE_NAMES =
      Map.of(
          "tasktree-llm", "dev.tasktree.llm",
          "tasktree-store-redis", "dev.tasktree.redis",
          "tasktree-ui", "dev.tasktree.ui",
          "tasktree-trace-server", "dev.tasktree.server");

  private static final List<String> LIBRARY_MODULES =
      List.of(
          "tasktree-core",
          "tasktree-llm",
          "tasktree-store-redis",
          "tasktree-ui",
          "tasktree-trace-server");

  private static final List<String> LOGGING_BINDINGS =
      List.of(
          "org.slf4j:slf4j-simple:",
          "org.slf4j:slf4j-jdk14:",
          "org.slf4j:slf4j-reload4j:",
          "ch.qos.logback:logback-classic:",
          "org.apache.logging.log4j:log4j-slf4j2-impl:");

  private static Path consumer;
  private static Path reactorRoot;
  private static Path repo;
  private static String version;
  private static List<String> reactorResolved;
  private static List<String> consumerResolved;

  @BeforeAll
  static void read() throws IOException {
    consumer = Path.of(System.getProperty("consumerDir"));
    repo = Path.of(System.getProperty("itRepo"), "dev", "tasktree");
    reactorRoot = Path.of(System.getProperty("reactorRoot"));
    version = System.getProperty("tasktreeVersion");
    reactorResolved = entries(Path.of(System.getProperty("reactorResolved")));
    consumerResolved = entries(consumer.resolve("target/consumer-resolved.txt"));
  }

  /** {@code group:artifact:type[:classifier]:version} of each line of a dependency:list file. */
  private static List<String> entries(Path list) throws IOException {
    return Files.readAllLines(list).stream()
        .map(line -> ANSI.matcher(line).replaceAll("").strip())
        .filter(line -> LIST_ENTRY.matcher(line).matches())
        .map(line -> line.replaceAll(" -- .*$", ""))
        .map(line -> SCOPE.matcher(line).replaceAll(""))
        .sorted()
        .toList();
  }

  @Test
  void theConsumerResolvesExactlyWhatTheReactorTested() {
    System.out.println("Reactor resolved (" + reactorResolved.size() + " artifacts):");
    reactorResolved.forEach(entry -> System.out.println("  " + entry));
    System.out.println("Consumer resolved (" + consumerResolved.size() + " artifacts):");
    consumerResolved.forEach(entry -> System.out.println("  " + entry));

    assertThat(reactorResolved).contains("dev.tasktree:tasktree-core:jar:" + version);
    assertThat(consumerResolved).containsExactlyElementsOf(reactorResolved);
  }

  @Test
  void theConsumerBuildConvergedAndRanATree() throws IOException {
    String log = Files.readString(consumer.resolve("build.log"));
    assertThat(log)
        .contains("DependencyConvergence passed", "RequireUpperBoundDeps passed")
        .contains("CONSUMER-TREE-RAN")
        .contains("BUILD SUCCESS");
    assertThat(consumer.resolve("target/dependency-tree.txt")).isNotEmptyFile();
  }

  @Test
  void noLoggingBindingReachesAConsumer() {
    assertThat(consumerResolved)
        .noneMatch(entry -> LOGGING_BINDINGS.stream().anyMatch(entry::startsWith));
  }

  @Test
  void onlyTheServersRunnableJarCarriesTheBinding() throws IOException {
    Path server = reactorRoot.resolve("tasktree-trace-server/target");
    String provider = "org/slf4j/simple/SimpleServiceProvider.class";
    try (JarFile runnable = new JarFile(server.resolve("tasktree-trace-server.jar").toFile())) {
      assertThat(runnable.getEntry(provider)).as("the runnable jar logs").isNotNull();
    }
    String pom = Files.readString(artifact("tasktree-trace-server", ".pom"));
    assertThat(pom.replaceAll("\\s+", ""))
        .as("slf4j-simple is optional for code that depends on the server")
        .contains(
            "<artifactId>slf4j-simple</artifactId><scope>runtime</scope><optional>true</optional>");
  }

  @Test
  void everyLibraryModuleHasItsSourcesAndJavadocJars() throws IOException {
    for (String module : LIBRARY_MODULES) {
      Path built = reactorRoot.resolve(module).resolve("target");
      for (String classifier : List.of("-sources", "-javadoc")) {
        Path jar = built.resolve(module + "-" + version + classifier + ".jar");
        assertThat(jar).isNotEmptyFile();
        try (JarFile file = new JarFile(jar.toFile())) {
          assertThat(file.stream().filter(entry -> !entry.isDirectory()).count())
              .as(jar.getFileName() + " has content")
              .isGreaterThan(2);
        }
      }
    }
  }

  @Test
  void theModulesDeclareTheirModuleNames() throws IOException {
    for (var module : MODULE_NAMES.entrySet()) {
      Path jar = artifact(module.getKey(), ".jar");
      try (JarFile file = new JarFile(jar.toFile())) {
        assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
            .as(module.getKey())
            .isEqualTo(module.getValue());
      }
      assertThat(moduleName(jar)).as(jar.getFileName().toString()).isEqualTo(module.getValue());
    }
    Path core = artifact("tasktree-core", ".jar");
    assertThat(ModuleFinder.of(core).findAll())
        .singleElement()
        .satisfies(
            reference -> {
              assertThat(reference.descriptor().isAutomatic())
                  .as("core has a module-info")
                  .isFalse();
              assertThat(reference.descriptor().name()).isEqualTo("dev.tasktree.core");
            });
  }

  /** The module name the JVM gives a jar on the module path. */
  private static String moduleName(Path jar) {
    return ModuleFinder.of(jar).findAll().stream()
        .map(ModuleReference::descriptor)
        .map(ModuleDescriptor::name)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void thePomsCarryTheMetadataMavenCentralRequires() throws Exception {
    Document bom = pom("tasktree-bom");
    for (String field :
        List.of(
            "url",
            "licenses/license/name",
            "licenses/license/url",
            "developers/developer/name",
            "scm/connection",
            "scm/developerConnection",
            "scm/url",
            "issueManagement/url")) {
      assertThat(xpath(bom, "/project/" + field)).as("tasktree-bom " + field).isNotBlank();
    }
    assertThat(xpath(pom("tasktree-parent"), "/project/parent/artifactId"))
        .isEqualTo("tasktree-bom");
    for (String module : LIBRARY_MODULES) {
      Document pom = pom(module);
      assertThat(xpath(pom, "/project/name")).as(module + " name").isNotBlank();
      assertThat(xpath(pom, "/project/description")).as(module + " description").isNotBlank();
      assertThat(xpath(pom, "/project/parent/artifactId"))
          .as(module + " inherits url, scm, developers from tasktree-bom through")
          .isEqualTo("tasktree-parent");
    }
  }

  private static Path artifact(String module, String suffix) {
    return repo.resolve(module).resolve(version).resolve(module + "-" + version + suffix);
  }

  private static Document pom(String module) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(artifact(module, ".pom").toFile());
  }

  private static String xpath(Document document, String path) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(path, document).strip();
  }
}
