package dev.tasktree.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.llm.LlmError.Category;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/llm.md's "How failures are categorised" table says what ErrorMapping does. */
class FailureTableTest {

  private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

  @Test
  void theDocumentedTableMatchesTheCode() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "llm.md"));
    int heading = lines.indexOf("### How failures are categorised");
    assertThat(heading).as("table heading in docs/llm.md").isPositive();
    List<String[]> rows = new ArrayList<>();
    for (int i = heading + 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("| `")) {
        rows.add(line.substring(1, line.length() - 1).split("\\|", -1));
      } else if (!rows.isEmpty() && !line.startsWith("|")) {
        break;
      }
    }
    Set<Category> documented = EnumSet.noneOf(Category.class);
    for (String[] row : rows) {
      Category category = Category.valueOf(ticked(row[0]).getFirst().toUpperCase());
      documented.add(category);
      for (String code : ticked(row[1])) {
        assertThat(ErrorMapping.fromCode(code, code, null)).as("code " + code).isEqualTo(category);
      }
      for (String status : row[2].split(",")) {
        if (!status.isBlank()) {
          assertThat(ErrorMapping.fromStatus(Integer.parseInt(status.strip())))
              .as("status " + status)
              .isEqualTo(category);
        }
      }
      assertThat(row[4].strip())
          .as(category + " retryable")
          .isEqualTo(category.retryable() ? "yes" : "no");
    }
    assertThat(documented).as("every category has a row").isEqualTo(EnumSet.allOf(Category.class));
    assertThat(ErrorMapping.fromCode(null, null, "This model's maximum context length is 8192"))
        .isEqualTo(Category.CONTEXT_LENGTH);
    assertThat(ErrorMapping.fromCode("something_new", "odd", "hm")).isNull();
  }

  private static List<String> ticked(String cell) {
    List<String> out = new ArrayList<>();
    Matcher m = TICKED.matcher(cell);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
