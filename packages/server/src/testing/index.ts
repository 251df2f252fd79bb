/**
 * `@keystroke/server/testing`: what the cross-package tests under `tests/` use to stand up real
 * servers, projects and peers (a fake Slack, an OTLP sender), plus the OTLP wire codecs they
 * check payloads with. Resolved only with the `@keystroke/source` condition (vitest, the type
 * check); it is not part of the published package.
 */
export * from "../otlp/wire/decode-json.js";
export * from "../otlp/wire/decode-proto.js";
export * from "../otlp/wire/encode-proto.js";
export * from "../otlp/wire/proto-writer.js";
export * from "./fake-slack.js";
export * from "./otlp-test-server.js";
export * from "./project-files.js";
export * from "./run-events.js";
export * from "./slack-delivery.js";
export * from "./slack-project.js";
export * from "./sse-client.js";
export * from "./test-server.js";
