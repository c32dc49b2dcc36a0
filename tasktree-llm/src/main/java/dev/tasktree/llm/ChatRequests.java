package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionSystemMessageParam;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Builds openai-java request parameters from our messages, params, tools and output schema. */
final class ChatRequests {

  private ChatRequests() {}

  /** The structured-output request: the schema, its name, and whether strict mode applies. */
  record OutputFormat(String name, ObjectNode schema, boolean strict) {}

  static <B> ChatCompletionCreateParams build(
      String model,
      LlmParams params,
      List<Message> conversation,
      List<ToolSpec<B>> tools,
      OutputFormat output,
      boolean stream) {
    ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(model);
    List<ChatCompletionMessageParam> messages = new ArrayList<>(conversation.size());
    for (Message m : conversation) {
      messages.add(toParam(m));
    }
    b.messages(messages);
    if (params.temperature() != null) {
      b.temperature(params.temperature());
    }
    if (params.topP() != null) {
      b.topP(params.topP());
    }
    if (params.maxTokens() != null) {
      b.maxCompletionTokens(params.maxTokens().longValue());
    }
    if (params.seed() != null) {
      // sent as a plain body field: the SDK marks its setter deprecated, compatible servers use it
      b.putAdditionalBodyProperty("seed", JsonValue.from(params.seed()));
    }
    if (params.stop() != null && !params.stop().isEmpty()) {
      b.putAdditionalBodyProperty("stop", JsonValue.from(params.stop()));
    }
    for (ToolSpec<B> tool : tools) {
      b.addTool(
          ChatCompletionFunctionTool.builder()
              .function(
                  FunctionDefinition.builder()
                      .name(tool.name())
                      .description(tool.description())
                      .parameters(
                          FunctionParameters.builder()
                              .additionalProperties(fields(tool.schema()))
                              .build())
                      .build())
              .build());
    }
    if (output != null) {
      b.responseFormat(
          ResponseFormatJsonSchema.builder()
              .jsonSchema(
                  ResponseFormatJsonSchema.JsonSchema.builder()
                      .name(output.name())
                      .strict(output.strict())
                      .schema(
                          ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                              .additionalProperties(fields(output.schema()))
                              .build())
                      .build())
              .build());
    }
    if (stream) {
      b.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
    }
    for (Map.Entry<String, Object> extra : params.extraBody().entrySet()) {
      b.putAdditionalBodyProperty(extra.getKey(), json(extra.getValue()));
    }
    return b.build();
  }

  static ChatCompletionMessageParam toParam(Message m) {
    return switch (m.role()) {
      case Message.SYSTEM ->
          ChatCompletionMessageParam.ofSystem(
              ChatCompletionSystemMessageParam.builder().content(m.content()).build());
      case Message.USER ->
          ChatCompletionMessageParam.ofUser(
              ChatCompletionUserMessageParam.builder().content(m.content()).build());
      case Message.TOOL ->
          ChatCompletionMessageParam.ofTool(
              ChatCompletionToolMessageParam.builder()
                  .toolCallId(m.toolCallId())
                  .content(m.content())
                  .build());
      default -> {
        ChatCompletionAssistantMessageParam.Builder a =
            ChatCompletionAssistantMessageParam.builder();
        if (m.content() != null) {
          a.content(m.content());
        }
        for (ToolCall call : m.toolCalls()) {
          a.addToolCall(
              ChatCompletionMessageFunctionToolCall.builder()
                  .id(call.id())
                  .function(
                      ChatCompletionMessageFunctionToolCall.Function.builder()
                          .name(call.name())
                          .arguments(call.arguments())
                          .build())
                  .build());
        }
        yield ChatCompletionMessageParam.ofAssistant(a.build());
      }
    };
  }

  private static Map<String, JsonValue> fields(ObjectNode object) {
    Map<String, JsonValue> map = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), JsonValue.fromJsonNode(e.getValue()));
    }
    return map;
  }

  private static JsonValue json(Object value) {
    return value instanceof JsonNode node
        ? JsonValue.fromJsonNode(node)
        : JsonValue.fromJsonNode(JsonSchemas.MAPPER.valueToTree(value));
  }
}
