package dev.tasktree.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place code fences are stripped (ParseJson and the LLM module's structured output). */
class LenientJsonTest {

  @Test
  void fencesWithAnyLanguageTagOrNoneAreStripped() {
    assertThat(LenientJson.stripFences("```json\n{\"a\": 1}\n```")).isEqualTo("{\"a\": 1}");
    assertThat(LenientJson.stripFences("```jsonc\n{\"a\": 1}\n```")).isEqualTo("{\"a\": 1}");
    assertThat(LenientJson.stripFences("  ```\n[1]\n```  ")).isEqualTo("[1]");
    assertThat(LenientJson.stripFences("Here you go:\n```json\n{}\n```\nBye")).isEqualTo("{}");
    assertThat(LenientJson.stripFences(" {\"plain\": true} ")).isEqualTo("{\"plain\": true}");
  }

  @Test
  void parsesIntoAType() {
    assertThat(LenientJson.parse("```json\n{a: 1,}\n```", Map.class)).isEqualTo(Map.of("a", 1));
  }
}
