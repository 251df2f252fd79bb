import { describe, expect, it } from "vitest";
import { readServerSentEvents, type ServerSentEvent } from "./server-sent-events.js";

function streamOf(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function readAll(chunks: readonly string[]): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const message of readServerSentEvents(streamOf(chunks))) out.push(message);
  return out;
}

describe("readServerSentEvents", () => {
  it("reads id, event and data, and skips comments", async () => {
    const messages = await readAll([": keep-alive\n\n", 'id: 1\nevent: run.created\ndata: {"seq":1}\n\n']);
    expect(messages).toEqual([{ id: "1", event: "run.created", data: '{"seq":1}' }]);
  });

  it("joins multi-line data and defaults the event name to message", async () => {
    expect(await readAll(["data: a\ndata: b\n\n"])).toEqual([{ id: undefined, event: "message", data: "a\nb" }]);
  });

  it("handles messages split anywhere across chunks, including between CR and LF", async () => {
    const text = 'id: 7\r\nevent: log.recorded\r\ndata: {"x":"é"}\r\n\r\nid: 8\ndata: second\n\n';
    const bytes = new TextEncoder().encode(text);
    const decoder = new TextDecoder();
    for (let cut = 1; cut < bytes.length; cut++) {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, cut));
          controller.enqueue(bytes.slice(cut));
          controller.close();
        },
      });
      const out: ServerSentEvent[] = [];
      for await (const message of readServerSentEvents(stream)) out.push(message);
      expect(out, `cut at ${cut}: ${decoder.decode(bytes.slice(0, cut))}`).toEqual([
        { id: "7", event: "log.recorded", data: '{"x":"é"}' },
        { id: "8", event: "message", data: "second" },
      ]);
    }
  });

  it("keeps the last id for messages without one, and drops an unfinished message at the end", async () => {
    const messages = await readAll(["id: 3\ndata: one\n\ndata: two\n\ndata: never finished"]);
    expect(messages).toEqual([
      { id: "3", event: "message", data: "one" },
      { id: "3", event: "message", data: "two" },
    ]);
  });
});
