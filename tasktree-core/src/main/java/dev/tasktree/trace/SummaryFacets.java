package dev.tasktree.trace;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a list of runs filters on besides the totals: the models a trace's LLM spans asked for and
 * answered with, and the trace's tags (the scalar attributes of its first event). Bounded, so a
 * summary stays short whatever a trace holds. Shared by the writer's summary line and the full
 * read, so both give the same answer.
 */
final class SummaryFacets {

  /** At most this many distinct models per trace. */
  static final int MAX_MODELS = 16;

  /** At most this many tags per trace. */
  static final int MAX_TAGS = 32;

  /** Model names, tag names and tag values are cut to this many chars. */
  static final int MAX_TEXT = 200;

  private SummaryFacets() {}

  /** Adds the request and response models of an ended span's attributes. */
  static void addModels(Collection<String> models, Map<String, JsonNode> attributes) {
    if (attributes == null || attributes.isEmpty()) {
      return;
    }
    addModel(models, attributes.get(Attributes.REQUEST_MODEL));
    addModel(models, attributes.get(Attributes.RESPONSE_MODEL));
  }

  private static void addModel(Collection<String> models, JsonNode value) {
    if (value != null && value.isTextual()) {
      addModel(models, value.asText());
    }
  }

  private static void addModel(Collection<String> models, String value) {
    if (!value.isBlank()) {
      String model = cut(value.strip());
      if (models.size() < MAX_MODELS || models.contains(model)) {
        models.add(model);
      }
    }
  }

  /** The sorted, bounded list of the models a summary line names. */
  static List<String> modelsOf(List<String> named) {
    List<String> models = new java.util.ArrayList<>(named.size());
    for (String model : named) {
      addModel(models, model);
    }
    return models(models);
  }

  /** The sorted, bounded list of models. */
  static List<String> models(Collection<String> models) {
    return new TreeSet<>(models).stream().limit(MAX_MODELS).toList();
  }

  /** The tags of a trace: its first event's attributes with a string, number or boolean value. */
  static Map<String, String> tags(Map<String, JsonNode> attributes) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (attributes == null) {
      return tags;
    }
    for (Map.Entry<String, JsonNode> e : attributes.entrySet()) {
      if (tags.size() >= MAX_TAGS) {
        break;
      }
      JsonNode v = e.getValue();
      if (v != null && v.isValueNode() && !v.isNull()) {
        tags.put(cut(e.getKey()), cut(v.asText()));
      }
    }
    return tags;
  }

  private static String cut(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
  }
}
