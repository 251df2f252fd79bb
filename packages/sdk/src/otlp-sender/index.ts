/**
 * `keystroke/otlp-sender`: the bounded, batching, retrying OTLP/HTTP sender that the server's
 * exporter and the OpenAI Agents processor share.
 */
export { type OtlpBody, OtlpSender, type OtlpSenderOptions } from "./otlp-sender.js";
export { DEFAULT_RETRY_AFTER_MS, retryAfterMs } from "./retry-after.js";
