/**
 * A model provider for tests: OpenAI Chat Completions, OpenAI Responses and Anthropic Messages
 * over real HTTP, answering from a script.
 */
export { type ModelScript, type ModelServer, startModelServer } from "./model-server.js";
export type { ModelRequest, ModelToolCall, ModelTurn } from "./wire-format.js";
