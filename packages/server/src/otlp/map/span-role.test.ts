import { expect, it } from "vitest";
import type { OtlpSpan } from "../otlp-model.js";
import { spanRole } from "./span-role.js";

const span = (name: string, attributes: OtlpSpan["attributes"] = {}) => ({ name, attributes }) as OtlpSpan;

it("reads the role of a span from whichever convention it follows", () => {
  expect(spanRole(span("invoke_agent x", { "gen_ai.operation.name": "invoke_agent" }))).toBe("agent");
  expect(spanRole(span("chat gpt-4o", { "gen_ai.operation.name": "chat" }))).toBe("model");
  expect(spanRole(span("execute_tool f", { "gen_ai.operation.name": "execute_tool" }))).toBe("tool");
  expect(spanRole(span("ChatOpenAI", { "openinference.span.kind": "LLM" }))).toBe("model");
  expect(spanRole(span("Agent", { "openinference.span.kind": "agent" }))).toBe("agent");
  expect(spanRole(span("ai.streamText"))).toBe("agent");
  expect(spanRole(span("ai.generateText.doGenerate"))).toBe("model");
  expect(spanRole(span("custom name", { "ai.operationId": "ai.toolCall" }))).toBe("tool");
  expect(spanRole(span("GET /orders", { "http.request.method": "GET" }))).toBe("other");
});
