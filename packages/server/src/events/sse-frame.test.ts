import type { StoredEvent } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { sseFrame, sseMessage } from "./sse-frame.js";

describe("SSE messages", () => {
  it("writes an event name and one line of JSON, with an id when given", () => {
    expect(sseMessage("result", { ok: true })).toBe('event: result\ndata: {"ok":true}\n\n');
    expect(sseMessage("run", "a\nb", 7)).toBe('id: 7\nevent: run\ndata: "a\\nb"\n\n');
  });

  it("resumes a stored event's stream from its sequence number", () => {
    const event = { seq: 3, type: "run.started" } as unknown as StoredEvent;
    expect(sseFrame(event)).toBe(`id: 3\nevent: run.started\ndata: ${JSON.stringify(event)}\n\n`);
  });
});
