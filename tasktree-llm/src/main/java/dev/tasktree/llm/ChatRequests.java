package dev.tasktree.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionSystemMessageParam;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Builds openai-java request parameters from our messages, params, tools and output schema. */
final class ChatRequests {

  private ChatRequests() {}

  /**
   * The node-level request options beyond {@link LlmParams}.
   *
   * @param output the structured output asked for, or null
   * @param jsonSchemaFormat whether to send {@code output} as a response format (else it went into
   *     the messages as an instruction)
   * @param toolChoice {@code tool_choice}, or null for the server's default
   * @param parallelToolCalls {@code parallel_tool_calls}, or null for the server's default
   * @param choices {@code n}, or 1 (not sent)
   * @param stream whether to stream (with {@code stream_options.include_usage})
   */
  record Options(
      StructuredOutput output,
      boolean jsonSchemaFormat,
      ToolChoice toolChoice,
      Boolean parallelToolCalls,
      int choices,
      boolean stream) {}

  static <B> ChatCompletionCreateParams build(
      String model,
      LlmParams params,
      List<Message> conversation,
      List<ToolSpec<B>> tools,
      Options options) {
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
    StructuredOutput output = options.output();
    if (output != null && options.jsonSchemaFormat() && output.format() == null) {
      b.responseFormat(ResponseFormatJsonObject.builder().build());
    } else if (output != null && options.jsonSchemaFormat()) {
      StructuredOutput.Format format = output.format();
      b.responseFormat(
          ResponseFormatJsonSchema.builder()
              .jsonSchema(
                  ResponseFormatJsonSchema.JsonSchema.builder()
                      .name(format.name())
                      .strict(format.strict())
                      .schema(
                          ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                              .additionalProperties(fields(format.schema()))
                              .build())
                      .build())
              .build());
    }
    if (options.toolChoice() != null && !tools.isEmpty()) {
      ToolChoice choice = options.toolChoice();
      b.toolChoice(
          choice.toolName() == null
              ? ChatCompletionToolChoiceOption.ofAuto(
                  ChatCompletionToolChoiceOption.Auto.of(choice.mode()))
              : ChatCompletionToolChoiceOption.ofNamedToolChoice(
                  ChatCompletionNamedToolChoice.builder()
                      .function(
                          ChatCompletionNamedToolChoice.Function.builder()
                              .name(choice.toolName())
                              .build())
                      .build()));
    }
    if (options.parallelToolCalls() != null && !tools.isEmpty()) {
      b.parallelToolCalls(options.parallelToolCalls());
    }
    if (options.choices() > 1) {
      b.n(options.choices());
    }
    if (options.stream()) {
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
              m.parts().isEmpty()
                  ? ChatCompletionUserMessageParam.builder().content(m.content()).build()
                  : ChatCompletionUserMessageParam.builder()
                      .contentOfArrayOfContentParts(parts(m))
                      .build());
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

  private static List<ChatCompletionContentPart> parts(Message m) {
    List<ChatCompletionContentPart> parts = new ArrayList<>(m.parts().size() + 1);
    if (m.content() != null) {
      parts.add(
          ChatCompletionContentPart.ofText(
              ChatCompletionContentPartText.builder().text(m.content()).build()));
    }
    for (ContentPart part : m.parts()) {
      parts.add(
          part.textValue() != null
              ? ChatCompletionContentPart.ofText(
                  ChatCompletionContentPartText.builder().text(part.textValue()).build())
              : ChatCompletionContentPart.ofImageUrl(
                  ChatCompletionContentPartImage.builder()
                      .imageUrl(
                          ChatCompletionContentPartImage.ImageUrl.builder()
                              .url(part.imageUrlValue())
                              .build())
                      .build()));
    }
    return parts;
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
