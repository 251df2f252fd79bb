// Browser-safe: plain string constants, no imports.

/**
 * OpenTelemetry GenAI semantic conventions (https://opentelemetry.io/docs/specs/semconv/gen-ai/):
 * span attributes, plus the older names some instrumentations still send and the event names.
 */
export const GenAI = {
  /** Prefix every GenAI attribute shares. */
  prefix: "gen_ai.",
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  /** Older name of `gen_ai.provider.name`. */
  system: "gen_ai.system",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  outputType: "gen_ai.output.type",
  agentName: "gen_ai.agent.name",
  agentId: "gen_ai.agent.id",
  conversationId: "gen_ai.conversation.id",
  systemInstructions: "gen_ai.system_instructions",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  toolCallArguments: "gen_ai.tool.call.arguments",
  toolCallResult: "gen_ai.tool.call.result",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  usageCacheWriteInputTokens: "gen_ai.usage.cache_write.input_tokens",
  usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
  /** Not in the spec; the call's cost in USD, as Keystroke and some SDKs send it. */
  usageCost: "gen_ai.usage.cost",
  /** Older names of the usage counts. */
  usagePromptTokens: "gen_ai.usage.prompt_tokens",
  usageCompletionTokens: "gen_ai.usage.completion_tokens",
  usageCacheReadInputTokensLegacy: "gen_ai.usage.cache_read_input_tokens",
  usageCacheCreationInputTokens: "gen_ai.usage.cache_creation.input_tokens",
  usageCacheCreationInputTokensLegacy: "gen_ai.usage.cache_creation_input_tokens",
  /** Older content attributes, on the `gen_ai.content.*` span events. */
  prompt: "gen_ai.prompt",
  completion: "gen_ai.completion",
  eventContent: "gen_ai.event.content",
  /** Event names. */
  inferenceDetailsEvent: "gen_ai.client.inference.operation.details",
  systemMessageEvent: "gen_ai.system.message",
  userMessageEvent: "gen_ai.user.message",
  assistantMessageEvent: "gen_ai.assistant.message",
  toolMessageEvent: "gen_ai.tool.message",
  choiceEvent: "gen_ai.choice",
  contentPromptEvent: "gen_ai.content.prompt",
  contentCompletionEvent: "gen_ai.content.completion",
} as const;

/**
 * General OpenTelemetry semantic conventions (https://opentelemetry.io/docs/specs/semconv/registry/attributes/)
 * that GenAI telemetry carries alongside: errors, exceptions and the end user.
 */
export const Otel = {
  errorType: "error.type",
  exceptionType: "exception.type",
  exceptionMessage: "exception.message",
  exceptionStacktrace: "exception.stacktrace",
  userId: "user.id",
  /** Older name of `user.id`. */
  enduserId: "enduser.id",
} as const;

/** OpenInference semantic conventions (https://github.com/Arize-ai/openinference/tree/main/spec). */
export const OpenInference = {
  spanKind: "openinference.span.kind",
  /** Prefix of the LLM attributes. */
  llmPrefix: "llm.",
  llmProvider: "llm.provider",
  llmSystem: "llm.system",
  llmModelName: "llm.model_name",
  llmTokenCountPrompt: "llm.token_count.prompt",
  llmTokenCountCompletion: "llm.token_count.completion",
  llmTokenCountCacheRead: "llm.token_count.prompt_details.cache_read",
  llmTokenCountCacheWrite: "llm.token_count.prompt_details.cache_write",
  llmTokenCountReasoning: "llm.token_count.completion_details.reasoning",
  llmCostTotal: "llm.cost.total",
  /** Prefixes of the flattened messages: `llm.input_messages.0.message.role` and so on. */
  llmInputMessagesPrefix: "llm.input_messages.",
  llmOutputMessagesPrefix: "llm.output_messages.",
  inputValue: "input.value",
  outputValue: "output.value",
  sessionId: "session.id",
  agentName: "agent.name",
  toolName: "tool.name",
  toolId: "tool.id",
  toolParameters: "tool.parameters",
  toolCallId: "tool_call.id",
} as const;

/**
 * Vercel AI SDK telemetry (https://ai-sdk.dev/docs/ai-sdk-core/telemetry): span attributes and the
 * span names (operation ids) it uses.
 */
export const AiSdk = {
  /** Prefix every AI SDK attribute shares. */
  prefix: "ai.",
  operationId: "ai.operationId",
  functionId: "ai.telemetry.functionId",
  metadataSessionId: "ai.telemetry.metadata.sessionId",
  metadataConversationId: "ai.telemetry.metadata.conversationId",
  metadataUserId: "ai.telemetry.metadata.userId",
  modelProvider: "ai.model.provider",
  modelId: "ai.model.id",
  responseModel: "ai.response.model",
  usageInputTokens: "ai.usage.inputTokens",
  usagePromptTokens: "ai.usage.promptTokens",
  usageOutputTokens: "ai.usage.outputTokens",
  usageCompletionTokens: "ai.usage.completionTokens",
  usageCachedInputTokens: "ai.usage.cachedInputTokens",
  usageCacheReadTokens: "ai.usage.inputTokenDetails.cacheReadTokens",
  usageCacheWriteTokens: "ai.usage.inputTokenDetails.cacheWriteTokens",
  usageReasoningTokens: "ai.usage.reasoningTokens",
  prompt: "ai.prompt",
  promptMessages: "ai.prompt.messages",
  responseText: "ai.response.text",
  responseReasoning: "ai.response.reasoning",
  responseToolCalls: "ai.response.toolCalls",
  toolCallId: "ai.toolCall.id",
  toolCallName: "ai.toolCall.name",
  toolCallArgs: "ai.toolCall.args",
  toolCallInput: "ai.toolCall.input",
  toolCallResult: "ai.toolCall.result",
  toolCallOutput: "ai.toolCall.output",
  /** Span names (operation ids). */
  generateTextSpan: "ai.generateText",
  streamTextSpan: "ai.streamText",
  generateObjectSpan: "ai.generateObject",
  streamObjectSpan: "ai.streamObject",
  toolCallSpan: "ai.toolCall",
} as const;
