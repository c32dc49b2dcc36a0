package dev.tasktree.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.trace.Attributes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The UI's attribute names come from core's {@link Attributes}, their one definition: {@code
 * tasktree-ui/.../attributes.js} is generated from it. Run with {@code -Dtasktree.regenerate=true}
 * to rewrite the file after changing {@code Attributes}.
 */
class AttributesModuleTest {

  private static final Path MODULE =
      Path.of("../tasktree-ui/src/main/resources/dev/tasktree/ui/attributes.js");

  static String generate() throws IllegalAccessException {
    StringBuilder js =
        new StringBuilder(
            "// Generated from dev.tasktree.trace.Attributes (tasktree-core): do not edit.\n"
                + "// Regenerate: ./mvnw -o -pl tasktree-trace-server -am verify"
                + " -Dtest=AttributesModuleTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtasktree.regenerate=true\n\n");
    Field[] fields = Attributes.class.getFields();
    java.util.Arrays.sort(fields, java.util.Comparator.comparing(Field::getName));
    for (Field field : fields) {
      int mods = field.getModifiers();
      if (Modifier.isStatic(mods) && Modifier.isFinal(mods) && field.getType() == String.class) {
        js.append("export const ")
            .append(field.getName())
            .append(" = '")
            .append(field.get(null))
            .append("';\n");
      }
    }
    return js.toString();
  }

  @Test
  void theUiModuleIsGeneratedFromCoreAttributes() throws Exception {
    String expected = generate();
    if (Boolean.getBoolean("tasktree.regenerate")) {
      Files.writeString(MODULE, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(MODULE, StandardCharsets.UTF_8))
        .as("attributes.js is stale: regenerate it (see its first lines)")
        .isEqualTo(expected);
    assertThat(expected).contains("export const REQUEST_MODEL = 'gen_ai.request.model';");
  }

  @Test
  void theUiImportsItsAttributeNamesFromTheGeneratedModule() throws Exception {
    String model = Files.readString(MODULE.resolveSibling("model.js"), StandardCharsets.UTF_8);
    assertThat(model).contains("from './attributes.js'").doesNotContain("'gen_ai.");
  }
}
