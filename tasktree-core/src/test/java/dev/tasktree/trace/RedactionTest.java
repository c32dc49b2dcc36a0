package dev.tasktree.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasktree.RunHandle;
import dev.tasktree.RunOptions;
import dev.tasktree.Tree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never reach a trace file: a real run writes a real file, which is then searched, byte by
 * byte, for every secret it was given — in data at every depth, attributes, headers, JSON inside
 * strings, log messages and exception messages. Useful fields that only look like secrets (token
 * counts, cache keys) stay visible.
 */
class RedactionTest {

  @TempDir Path dir;
  private JsonlTraceWriter writer;

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
  }

  /** A blackboard with secrets under many spellings of their names. */
  record Session(
      String user,
      String token,
      String sessionToken,
      String privateKey,
      String dbPassword,
      Map<String, Object> headers,
      int maxTokens) {}

  private static final List<String> SECRETS =
      List.of(
          "attr-api-key-value-01",
          "bb-token-value-02",
          "bb-session-token-03",
          "bb-private-key-04",
          "bb-db-password-05",
          "hdr-x-auth-token-06",
          "hdr-object-authz-07",
          "json-in-string-password-08",
          "deep-client-secret-09",
          "log-password-value-10",
          "sk-proj-AbCdEfGhIjKlMnOpQrSt11",
          "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTI",
          "url-password-13",
          "cookie-session-14",
          "cookie-other-15",
          "error-token-16",
          "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
          "log-json-apikey-18",
          "bearer-token-value-19",
          "nested-json-cookie-20");

  private Path runAndReadFile(Tree<Session> tree, RunOptions options) throws Exception {
    writer = JsonlTraceWriter.open(dir, Duration.ofMillis(10), Duration.ofMillis(100));
    RunHandle run = tree.start(session(), options.withTraceSink(writer));
    run.await();
    assertThat(writer.flush(Duration.ofSeconds(5))).isTrue();
    return dir.resolve(run.traceId() + ".jsonl");
  }

  private static Session session() {
    return new Session(
        "ada",
        SECRETS.get(1),
        SECRETS.get(2),
        SECRETS.get(3),
        SECRETS.get(4),
        Map.of(
            "X-Auth-Token",
            SECRETS.get(5),
            "list",
            List.of(Map.of("name", "Authorization", "value", SECRETS.get(6)))),
        4096);
  }

  private static Tree<Session> leakyTree() {
    return Tree.<Session>named("Leaky")
        .sequence()
        .call(
            (s, ctx) -> {
              ctx.attribute("api_key", SECRETS.get(0));
              ctx.attribute(
                  "gen_ai.tool.call.arguments",
                  "{\"city\": \"Paris\", \"password\": \"" + SECRETS.get(7) + "\"}");
              ctx.attribute("gen_ai.usage.input_tokens", 1234);
              ctx.attribute(
                  "config", Map.of("a", Map.of("b", Map.of("clientSecret", SECRETS.get(8)))));
              ctx.attribute("note", "use " + SECRETS.get(10) + " for the demo");
              ctx.attribute("jwt_like", "header " + SECRETS.get(11));
              ctx.attribute("tasktree.llm.base_url", "redis://:" + SECRETS.get(12) + "@cache:6379");
              ctx.attribute(
                  "nested", "[{\"inner\": \"{\\\"cookie\\\": \\\"" + SECRETS.get(19) + "\\\"}\"}]");
              ctx.log(LogLevel.INFO, "connecting as ada with password=" + SECRETS.get(9));
              ctx.log(
                  LogLevel.INFO, "Cookie: sid=" + SECRETS.get(13) + "; other=" + SECRETS.get(14));
              ctx.log(LogLevel.INFO, "sending headers {\"apiKey\": \"" + SECRETS.get(17) + "\"}");
              ctx.log(LogLevel.WARN, "Authorization: Bearer " + SECRETS.get(18));
              ctx.log(LogLevel.INFO, "token " + SECRETS.get(16) + " looks like a GitHub token");
              return s;
            })
        .call(
            s -> {
              throw new IllegalStateException("rejected: token=" + SECRETS.get(15));
            })
        .end()
        .build();
  }

  @Test
  void noSecretReachesTheTraceFile() throws Exception {
    Path file = runAndReadFile(leakyTree(), RunOptions.defaults());
    String text = Files.readString(file);
    for (String secret : SECRETS) {
      assertThat(text).as("the trace file holds " + secret).doesNotContain(secret);
    }
    assertThat(text).contains(TraceJson.REDACTED);

    Trace trace = new TraceReader().read(file);
    Span leaf = trace.spans().filter(s -> s.kind().equals("Call")).findFirst().orElseThrow();
    assertThat(leaf.attributes().get("api_key").asText()).isEqualTo(TraceJson.REDACTED);
    assertThat(leaf.attributes().get("gen_ai.usage.input_tokens").asInt()).isEqualTo(1234);
    assertThat(
            TraceJson.MAPPER.readTree(leaf.attributes().get("gen_ai.tool.call.arguments").asText()))
        .isEqualTo(TraceJson.MAPPER.readTree("{\"city\":\"Paris\",\"password\":\"[REDACTED]\"}"));
    assertThat(leaf.data().get("user").asText()).isEqualTo("ada");
    assertThat(leaf.data().get("maxTokens").asInt()).isEqualTo(4096);
    assertThat(leaf.data().get("sessionToken").asText()).isEqualTo(TraceJson.REDACTED);
    assertThat(leaf.attributes().get("tasktree.llm.base_url").asText())
        .isEqualTo("redis://:[REDACTED]@cache:6379");
    assertThat(leaf.logs())
        .anySatisfy(log -> assertThat(log.message()).contains("connecting as ada"));
  }

  @Test
  void rulesCanBeAddedOrReplaced() throws Exception {
    Tree<Session> tree =
        Tree.<Session>named("Custom")
            .call(
                (s, ctx) -> {
                  ctx.attribute("ssn", "123-45-6789");
                  ctx.attribute("password", "kept-visible-when-replaced");
                  ctx.log(LogLevel.INFO, "account acct-12345678 opened");
                  return "done";
                })
            .build();
    RedactionPolicy added =
        RedactionPolicy.defaults().toBuilder()
            .secretNames("ssn")
            .secretValues(Pattern.compile("acct-[0-9]{8}"))
            .build();
    String withAdded =
        Files.readString(runAndReadFile(tree, RunOptions.defaults().withRedaction(added)));
    assertThat(withAdded)
        .doesNotContain("123-45-6789", "acct-12345678", "kept-visible-when-replaced");
    writer.close();
    writer = null;

    RedactionPolicy replaced = RedactionPolicy.builder().secretNames("ssn").build();
    String withReplaced =
        Files.readString(runAndReadFile(tree, RunOptions.defaults().withRedaction(replaced)));
    assertThat(withReplaced).doesNotContain("123-45-6789").contains("kept-visible-when-replaced");
  }

  @Test
  void namesMatchAsSubstringsWithDocumentedExceptions() {
    RedactionPolicy policy = RedactionPolicy.defaults();
    for (String secret :
        List.of(
            "api_key",
            "apiKey",
            "X-Api-Key",
            "token",
            "sessionToken",
            "privateKey",
            "dbPassword",
            "X-Auth-Token",
            "Authorization",
            "Set-Cookie",
            "client_secret",
            "AWS_SECRET_ACCESS_KEY",
            "credentials",
            "passwd",
            "refresh_token",
            "key")) {
      assertThat(policy.isSecretName(secret)).as(secret).isTrue();
    }
    var number = TraceJson.toJson(12);
    for (String count :
        List.of("input_tokens", "max_tokens", "gen_ai.usage.output_tokens", "maxTokens")) {
      assertThat(policy.isSecretField(count, number)).as(count).isFalse();
      assertThat(policy.isSecretField(count, TraceJson.toJson("a-string"))).as(count).isTrue();
    }
    assertThat(policy.isSecretField("password", number)).isTrue();
    for (String visible :
        List.of("cache_key", "signal_key", "author", "keyword", "user", "query")) {
      assertThat(policy.isSecretName(visible)).as(visible).isFalse();
    }
  }
}
