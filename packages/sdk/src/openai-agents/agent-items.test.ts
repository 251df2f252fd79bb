import { expect, it } from "vitest";
import { toGenAiMessages } from "./agent-items.js";

it("turns Responses API items and Chat Completions messages into GenAI messages", () => {
  expect(
    toGenAiMessages([
      "Hi",
      { role: "user", content: [{ type: "input_text", text: "Weather in Oslo?" }] },
      { type: "reasoning", summary: [{ type: "summary_text", text: "Use the tool." }] },
      { type: "function_call", call_id: "c1", name: "weather", arguments: '{"city":"Oslo"}' },
      { type: "function_call_output", call_id: "c1", output: '{"c":-3}' },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "-3°C" }] },
      { role: "assistant", content: null, tool_calls: [{ id: "c2", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c2", content: "ok" },
      { type: "image_generation_call" },
    ]),
  ).toEqual([
    { role: "user", parts: [{ type: "text", content: "Hi" }] },
    { role: "user", parts: [{ type: "text", content: "Weather in Oslo?" }] },
    { role: "assistant", parts: [{ type: "reasoning", content: "Use the tool." }] },
    { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "weather", arguments: '{"city":"Oslo"}' }] },
    { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: '{"c":-3}' }] },
    { role: "assistant", parts: [{ type: "text", content: "-3°C" }] },
    { role: "assistant", parts: [{ type: "tool_call", id: "c2", name: "f", arguments: "{}" }] },
    { role: "tool", parts: [{ type: "tool_call_response", id: "c2", response: "ok" }] },
  ]);
});
