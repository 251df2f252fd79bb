import { describe, expect, it } from "vitest";
import { chatMessages } from "./chat-messages.js";

describe("chatMessages", () => {
  it("reads the GenAI conventions' parts", () => {
    const value = JSON.stringify([
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "think" },
          { type: "text", content: "hello" },
          { type: "tool_call", id: "c1", name: "lookup", arguments: '{"a":1}' },
        ],
      },
      { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: { ok: true } }] },
    ]);
    expect(chatMessages(value)).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "thought", text: "think" },
          { type: "text", text: "hello" },
          { type: "tool_call", id: "c1", name: "lookup", arguments: { a: 1 } },
        ],
      },
      { role: "tool", parts: [{ type: "tool_result", id: "c1", result: { ok: true } }] },
    ]);
  });

  it("reads OpenAI-style messages and the AI SDK's content parts", () => {
    expect(
      chatMessages([
        { role: "assistant", content: null, tool_calls: [{ id: "c2", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c2", content: "done" },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "c3", toolName: "g", output: { type: "json", value: { n: 1 } } },
          ],
        },
      ]),
    ).toEqual([
      { role: "assistant", parts: [{ type: "tool_call", id: "c2", name: "f", arguments: {} }] },
      { role: "tool", parts: [{ type: "tool_result", id: "c2", result: "done" }] },
      { role: "tool", parts: [{ type: "tool_result", id: "c3", name: "g", result: { n: 1 } }] },
    ]);
  });

  it("takes a bare prompt string as one user message, and leaves out what it cannot show", () => {
    expect(chatMessages("Hi there")).toEqual([{ role: "user", parts: [{ type: "text", text: "Hi there" }] }]);
    expect(chatMessages([{ role: "user", content: [{ type: "image", url: "x" }] }])).toEqual([
      { role: "user", parts: [] },
    ]);
  });
});
