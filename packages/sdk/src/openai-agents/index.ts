/**
 * `keystroke/openai-agents`: send the OpenAI Agents SDK's traces to Keystroke.
 *
 * @example
 * import { addTraceProcessor } from "@openai/agents";
 * import { KeystrokeProcessor } from "keystroke/openai-agents";
 * addTraceProcessor(new KeystrokeProcessor({ url: "http://127.0.0.1:3400", project: "support" }));
 */
export { KeystrokeProcessor, type KeystrokeProcessorOptions } from "./keystroke-processor.js";
