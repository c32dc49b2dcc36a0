package dev.tasktree.otel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tasktree.trace.Attributes;
import dev.tasktree.trace.LogLevel;
import dev.tasktree.trace.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics of every run, through the OTel metrics API: node durations, LLM calls, tokens and
 * cost (TaskTree counters and the GenAI client histograms), cache hits and misses, cancels,
 * abandons and store errors. Attributes are low-cardinality by design: kinds, names, statuses,
 * models, providers, error categories — never paths, ids or values.
 */
final class OtelMetrics {

  private static final AttributeKey<String> KIND = AttributeKey.stringKey(OtelNames.NODE_KIND);
  private static final AttributeKey<String> NAME = AttributeKey.stringKey(OtelNames.NODE_NAME);
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey(OtelNames.STATUS);
  private static final AttributeKey<String> TOKEN_TYPE =
      AttributeKey.stringKey(OtelNames.GEN_AI_TOKEN_TYPE);
  private static final AttributeKey<String> CACHE_RESULT =
      AttributeKey.stringKey("tasktree.cache.result");
  private static final AttributeKey<String> STATUS_CATEGORY =
      AttributeKey.stringKey("tasktree.llm.status_category");
  private static final List<Double> SECONDS_BUCKETS =
      List.of(
          0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
          30.0, 60.0, 120.0);

  private final DoubleHistogram nodeDuration;
  private final DoubleHistogram llmDuration;
  private final LongHistogram tokenUsage;
  private final LongCounter llmCalls;
  private final LongCounter llmTokens;
  private final DoubleCounter llmCost;
  private final LongCounter cacheLookups;
  private final LongCounter cancels;
  private final LongCounter abandons;
  private final LongCounter storeErrors;

  OtelMetrics(Meter meter) {
    nodeDuration =
        meter
            .histogramBuilder("tasktree.node.duration")
            .setUnit("s")
            .setDescription("How long each node execution took")
            .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS)
            .build();
    llmDuration =
        meter
            .histogramBuilder("gen_ai.client.operation.duration")
            .setUnit("s")
            .setDescription("GenAI operation duration")
            .setExplicitBucketBoundariesAdvice(SECONDS_BUCKETS)
            .build();
    tokenUsage =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .ofLongs()
            .setUnit("{token}")
            .setDescription("Number of input and output tokens used")
            .build();
    llmCalls =
        meter
            .counterBuilder("tasktree.llm.calls")
            .setUnit("{call}")
            .setDescription("Model calls made by LLM nodes")
            .build();
    llmTokens =
        meter
            .counterBuilder("tasktree.llm.tokens")
            .setUnit("{token}")
            .setDescription("Tokens used by LLM nodes")
            .build();
    llmCost =
        meter
            .counterBuilder("tasktree.llm.cost")
            .ofDoubles()
            .setUnit("USD")
            .setDescription("Cost of LLM calls in US dollars")
            .build();
    cacheLookups =
        meter
            .counterBuilder("tasktree.cache.lookups")
            .setUnit("{lookup}")
            .setDescription("Cacher lookups by result (hit, miss, ...)")
            .build();
    cancels =
        meter
            .counterBuilder("tasktree.node.cancels")
            .setUnit("{span}")
            .setDescription("Node executions cancelled")
            .build();
    abandons =
        meter
            .counterBuilder("tasktree.node.abandons")
            .setUnit("{span}")
            .setDescription("Cancelled node executions that ignored interruption and were left")
            .build();
    storeErrors =
        meter
            .counterBuilder("tasktree.store.errors")
            .setUnit("{error}")
            .setDescription("Store failures a node survived (logged as store errors)")
            .build();
  }

  /** One span ended. */
  void spanEnded(
      String kind, String name, Status status, double seconds, Map<String, JsonNode> attrs) {
    io.opentelemetry.api.common.Attributes node =
        io.opentelemetry.api.common.Attributes.of(KIND, kind, NAME, name, STATUS, status.name());
    nodeDuration.record(seconds, node);
    if (status == Status.CANCELLED) {
      io.opentelemetry.api.common.Attributes which =
          io.opentelemetry.api.common.Attributes.of(KIND, kind, NAME, name);
      cancels.add(1, which);
      JsonNode abandoned = attrs.get(Attributes.ABANDONED);
      if (abandoned != null && abandoned.asBoolean()) {
        abandons.add(1, which);
      }
    }
    JsonNode cache = attrs.get("cache");
    if (cache != null && cache.isTextual()) {
      cacheLookups.add(
          1, io.opentelemetry.api.common.Attributes.of(NAME, name, CACHE_RESULT, cache.asText()));
    }
    if (attrs.containsKey(OtelNames.GEN_AI_OPERATION) && !"Tool".equals(kind)) {
      llm(status, seconds, attrs);
    }
  }

  private void llm(Status status, double seconds, Map<String, JsonNode> attrs) {
    AttributesBuilder common = io.opentelemetry.api.common.Attributes.builder();
    text(common, OtelNames.GEN_AI_OPERATION, attrs);
    text(common, OtelNames.GEN_AI_PROVIDER, attrs);
    text(common, Attributes.REQUEST_MODEL, attrs);
    text(common, Attributes.RESPONSE_MODEL, attrs);
    JsonNode errorType = attrs.get(OtelNames.ERROR_TYPE);
    String category =
        errorType != null
            ? errorType.asText()
            : status == Status.OK ? "ok" : status.name().toLowerCase(Locale.ROOT);
    io.opentelemetry.api.common.Attributes base = common.build();
    AttributesBuilder withError = base.toBuilder();
    if (status != Status.OK) {
      withError.put(OtelNames.ERROR_TYPE, category);
    }
    llmDuration.record(seconds, withError.build());
    llmCalls.add(modelCalls(attrs), base.toBuilder().put(STATUS_CATEGORY, category).build());
    tokens(attrs.get(Attributes.INPUT_TOKENS), "input", base);
    tokens(attrs.get(Attributes.OUTPUT_TOKENS), "output", base);
    JsonNode cost = attrs.get(Attributes.COST_USD);
    if (cost != null && cost.isNumber() && cost.asDouble() > 0) {
      llmCost.add(cost.asDouble(), base);
    }
  }

  /** Model calls of one LLM node (its tool loop may call several times); at least one. */
  private static long modelCalls(Map<String, JsonNode> attrs) {
    JsonNode calls = attrs.get("tasktree.llm.calls"); // one entry per model call
    if (calls != null && calls.isArray() && !calls.isEmpty()) {
      return calls.size();
    }
    JsonNode iterations = attrs.get("tasktree.llm.iterations");
    return iterations != null && iterations.canConvertToLong()
        ? Math.max(1, iterations.asLong())
        : 1;
  }

  private void tokens(JsonNode count, String type, io.opentelemetry.api.common.Attributes base) {
    if (count != null && count.canConvertToLong() && count.asLong() > 0) {
      io.opentelemetry.api.common.Attributes typed = base.toBuilder().put(TOKEN_TYPE, type).build();
      tokenUsage.record(count.asLong(), typed);
      llmTokens.add(count.asLong(), typed);
    }
  }

  /** A span logged a line; store failures are logged as WARN "... store error ...". */
  void logged(String kind, LogLevel level, String message) {
    if (level == LogLevel.WARN && message != null && message.contains("store error")) {
      storeErrors.add(1, io.opentelemetry.api.common.Attributes.of(KIND, kind));
    }
  }

  private static void text(AttributesBuilder out, String key, Map<String, JsonNode> attrs) {
    JsonNode value = attrs.get(key);
    if (value != null && value.isTextual()) {
      out.put(key, value.textValue());
    }
  }
}
