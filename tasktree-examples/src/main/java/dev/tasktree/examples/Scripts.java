package dev.tasktree.examples;

import static dev.tasktree.llm.testing.ScriptedReply.call;
import static dev.tasktree.llm.testing.ScriptedReply.error;
import static dev.tasktree.llm.testing.ScriptedReply.json;
import static dev.tasktree.llm.testing.ScriptedReply.text;
import static dev.tasktree.llm.testing.ScriptedReply.toolCalls;

import dev.tasktree.llm.testing.ScriptedLlmServer;
import java.time.Duration;

/**
 * What the scripted server answers for each example role, so that every example shows its behaviour
 * offline. A script is handed out in order, its last reply repeating.
 */
final class Scripts {

  private Scripts() {}

  static void install(ScriptedLlmServer server) {
    // 10 crashed run: plan, outline, three sections, the edit
    server.script(
        "crash-plan",
        text("Compare cost, latency and risk of a second provider.").usage(30, 11),
        text("1. Cost 2. Latency 3. Risk").usage(22, 9));
    // the first section is done once all three are asked for; the other two are still being
    // written when the process "dies", and answer at once when the resumed run asks again
    server.script(
        "crash-write",
        text("A paragraph on the topic.").usage(25, 7).afterRequests(3),
        text("A paragraph on the topic.").usage(25, 7).delay(seconds(10)),
        text("A paragraph on the topic.").usage(25, 7).delay(seconds(10)),
        text("A paragraph on the topic.").usage(25, 7));
    server.script(
        "crash-edit",
        text("A second provider costs little, cuts tail latency and removes a single point of"
                + " failure.")
            .usage(60, 20));

    // 11 approval granted: the draft a person approves
    server.script(
        "release-writer",
        text("Runs now resume after a crash, and a person can approve a waiting run in the UI.")
            .usage(28, 18));

    // 1 fallback chain: a primary that hangs, a secondary that fails, a tertiary that answers
    server.script(
        "fallback-primary", text("(never seen: the Timeout cancels this call)").delay(seconds(60)));
    server.script("fallback-secondary", error(500, "The server had an error; please retry."));
    server.script(
        "fallback-tertiary",
        text("A behavior tree composes tasks whose OK/FAIL results decide what runs next.")
            .usage(31, 17));

    // 2 race: provider A answers first, provider B is cancelled
    server.script(
        "race-a",
        text("Cutting tail latency: ask twice, keep the first answer.")
            .usage(24, 12)
            .delay(Duration.ofMillis(150)));
    server.script("race-b", text("(too late)").usage(24, 9).delay(seconds(5)));

    // 3 fan-out: one summary per document (200 ms each, two at a time), then the merge
    server.script(
        "summarise",
        text("Summarised in one sentence.").usage(40, 8).delay(Duration.ofMillis(200)));
    server.script(
        "merge",
        text("Revenue is up, a short outage hit checkout, hiring and offline mode are planned,"
                + " and customers want faster support.")
            .usage(90, 28));

    // 4 tool agent: both tools in one turn, then the answer
    server.script(
        "agent",
        toolCalls(
                call("orderStatus", "{\"orderId\":\"A-1042\"}"),
                call("deliveryDays", "{\"country\":\"NO\"}"))
            .usage(120, 40),
        text("Order A-1042 has shipped and should reach you in Norway within 3 days.")
            .usage(190, 19));

    // 5 structured output: prose first (does not fit the record), then the JSON
    server.script(
        "extract",
        text("Sure! The sender is Ada Lovelace from Analytical Engines.").usage(95, 12),
        json("{\"name\":\"Ada Lovelace\",\"email\":\"ada@analytical.example\","
                + "\"company\":\"Analytical Engines Ltd\"}")
            .usage(110, 24));

    // 6 cached call: one answer; the second run never asks
    server.script(
        "cached",
        text("Identical questions then cost nothing and answer in microseconds.")
            .usage(22, 13)
            .delay(Duration.ofMillis(300)));

    // 7 terminable job: each chapter takes 250 ms; the signal arrives after two
    server.script("writer", text("A chapter drafted.").usage(30, 60).delay(Duration.ofMillis(250)));
    installResilience(server);
  }

  static void installResilience(ScriptedLlmServer server) {
    // 9 resilience: the primary is down; the backup's first answer is slow, the hedge's is fast
    server.script("resilient-primary", error(503, "The engine is currently overloaded."));
    server.script(
        "resilient-backup",
        text("(never seen: the hedge's attempt answers first)").usage(14, 9).delay(seconds(5)),
        text("So that all of them stop calling a provider that is down, at once.").usage(14, 13));
  }

  private static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
