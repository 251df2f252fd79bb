/**
 * `keystroke/testing`: a model server speaking the OpenAI and Anthropic wire formats, so tests run
 * the real provider clients. Resolved only with the `@keystroke/source` condition; not part of the
 * published package.
 */
export * from "./model-server/index.js";
