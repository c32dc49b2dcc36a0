package dev.tasktree.llm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The JSON the scripted server sends: completions, stream chunks, usage and error bodies. */
final class ReplyBodies {

  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong callIds = new AtomicLong();

  /** A non-streamed {@code chat.completion} body. */
  ObjectNode completion(ScriptedReply reply, JsonNode request, String model) {
    ObjectNode root = ScriptedReply.JSON.createObjectNode();
    root.put("id", "chatcmpl-" + ids.incrementAndGet());
    root.put("object", "chat.completion");
    root.put("created", Instant.now().getEpochSecond());
    root.put("model", model);
    ArrayNode choices = root.putArray("choices");
    List<String> texts =
        reply.kind() == ScriptedReply.Kind.TEXT ? reply.choiceTexts() : List.of("");
    for (int index = 0; index < texts.size(); index++) {
      ObjectNode choice = choices.addObject();
      choice.put("index", index);
      ObjectNode message = choice.putObject("message");
      message.put("role", "assistant");
      switch (reply.kind()) {
        case TOOL_CALLS -> {
          message.putNull("content");
          ArrayNode calls = message.putArray("tool_calls");
          for (ScriptedReply.Call call : reply.calls()) {
            ObjectNode c = calls.addObject();
            c.put("id", callId(call));
            if (!reply.omitToolCallType()) {
              c.put("type", "function");
            }
            ObjectNode fn = c.putObject("function");
            fn.put("name", call.name());
            fn.put("arguments", call.arguments());
          }
        }
        case REFUSAL -> {
          message.putNull("content");
          message.put("refusal", reply.text());
        }
        default -> message.put("content", texts.get(index));
      }
      if (reply.reasoning() != null) {
        message.put("reasoning_content", reply.reasoning());
      }
      choice.put("finish_reason", reply.effectiveFinishReason());
    }
    root.set("usage", usageNode(usage(reply, request)));
    return root;
  }

  /** The stream's chunks without the usage chunk and {@code [DONE]}; {@code finish}: last chunk. */
  List<ObjectNode> chunks(ScriptedReply reply, JsonNode request, String model, boolean finish) {
    List<ObjectNode> chunks = new ArrayList<>();
    ObjectNode first = chunkShell(model);
    ObjectNode firstDelta = delta(first, 0);
    firstDelta.put("role", "assistant");
    firstDelta.put("content", "");
    if (reply.interimUsage() != null) {
      first.set("usage", usageNode(reply.interimUsage()));
    }
    chunks.add(first);
    if (reply.reasoning() != null) {
      for (String piece : pieces(reply.reasoning())) {
        ObjectNode chunk = chunkShell(model);
        delta(chunk, 0).put("reasoning_content", piece);
        chunks.add(chunk);
      }
    }
    switch (reply.kind()) {
      case TOOL_CALLS -> toolCallChunks(reply, model, chunks);
      case REFUSAL -> {
        ObjectNode chunk = chunkShell(model);
        delta(chunk, 0).put("refusal", reply.text());
        chunks.add(chunk);
      }
      default -> {
        List<String> texts = reply.choiceTexts();
        for (int index = 0; index < texts.size(); index++) {
          for (String piece : pieces(texts.get(index))) {
            ObjectNode chunk = chunkShell(model);
            delta(chunk, index).put("content", piece);
            chunks.add(chunk);
          }
        }
      }
    }
    if (finish) {
      int choiceCount = reply.kind() == ScriptedReply.Kind.TEXT ? reply.choiceTexts().size() : 1;
      for (int index = 0; index < choiceCount; index++) {
        ObjectNode end = chunkShell(model);
        delta(end, index);
        ((ObjectNode) end.get("choices").get(0))
            .put("finish_reason", reply.effectiveFinishReason());
        chunks.add(end);
      }
    }
    return chunks;
  }

  private void toolCallChunks(ScriptedReply reply, String model, List<ObjectNode> chunks) {
    for (int i = 0; i < reply.calls().size(); i++) {
      ScriptedReply.Call call = reply.calls().get(i);
      ObjectNode head = chunkShell(model);
      ObjectNode tc = delta(head, 0).putArray("tool_calls").addObject();
      tc.put("index", i);
      tc.put("id", callId(call));
      if (!reply.omitToolCallType()) {
        tc.put("type", "function");
      }
      tc.putObject("function").put("name", call.name()).put("arguments", "");
      chunks.add(head);
      String args = call.arguments();
      int half = args.length() / 2;
      for (String part : new String[] {args.substring(0, half), args.substring(half)}) {
        ObjectNode more = chunkShell(model);
        ObjectNode t = delta(more, 0).putArray("tool_calls").addObject();
        t.put("index", i);
        t.putObject("function").put("arguments", part);
        chunks.add(more);
      }
    }
  }

  /** The chunk that carries the usage (empty choices), sent when the request asked for it. */
  ObjectNode usageChunk(ScriptedReply reply, JsonNode request, String model) {
    ObjectNode last = chunkShell(model);
    last.set("usage", usageNode(usage(reply, request)));
    return last;
  }

  /** Splits a text after each whitespace run: "Hello big world" → "Hello ", "big ", "world". */
  static List<String> pieces(String text) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    for (int i = 1; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i - 1)) && !Character.isWhitespace(text.charAt(i))) {
        pieces.add(text.substring(start, i));
        start = i;
      }
    }
    if (start < text.length()) {
      pieces.add(text.substring(start));
    }
    return pieces;
  }

  private ObjectNode chunkShell(String model) {
    ObjectNode chunk = ScriptedReply.JSON.createObjectNode();
    chunk.put("id", "chatcmpl-" + ids.get());
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", Instant.now().getEpochSecond());
    chunk.put("model", model);
    chunk.putArray("choices");
    return chunk;
  }

  /** Adds choice {@code index} to a chunk and returns its delta. */
  private static ObjectNode delta(ObjectNode chunk, int index) {
    ObjectNode choice = ((ArrayNode) chunk.get("choices")).addObject();
    choice.put("index", index);
    ObjectNode delta = choice.putObject("delta");
    choice.putNull("finish_reason");
    return delta;
  }

  private String callId(ScriptedReply.Call call) {
    return call.id() != null ? call.id() : "call_" + callIds.incrementAndGet();
  }

  private static ScriptedReply.Usage usage(ScriptedReply reply, JsonNode request) {
    if (reply.usage() != null) {
      return reply.usage();
    }
    long input = Math.max(1, (request.path("messages").toString().length() + 3) / 4);
    String out =
        reply.kind() == ScriptedReply.Kind.TOOL_CALLS
            ? reply.calls().toString()
            : String.join("", reply.choiceTexts());
    return new ScriptedReply.Usage(input, 0, Math.max(1, (out.length() + 3) / 4), 0);
  }

  private static ObjectNode usageNode(ScriptedReply.Usage usage) {
    ObjectNode node = ScriptedReply.JSON.createObjectNode();
    node.put("prompt_tokens", usage.input());
    node.put("completion_tokens", usage.output());
    node.put("total_tokens", usage.input() + usage.output());
    node.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedInput());
    node.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoning());
    return node;
  }

  /** An OpenAI-style {@code {"error": {...}}} body. */
  static String errorBody(String message, String code) {
    ObjectNode root = ScriptedReply.JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put(
        "type",
        code == null || code.contains("server_error")
            ? "api_error"
            : code.contains("rate_limit")
                ? "requests"
                : code.contains("api_key") ? "authentication_error" : "invalid_request_error");
    error.putNull("param");
    error.put("code", code);
    return root.toString();
  }
}
