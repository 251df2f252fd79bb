/**
 * A reader for the `text/event-stream` format (WHATWG HTML, "Server-sent events"): lines end
 * with CRLF, LF or CR; a blank line dispatches the message gathered so far; lines starting with
 * ":" are comments (keep-alives).
 */

/** One dispatched message. */
export interface ServerSentEvent {
  /** The last `id:` seen, which a reconnecting client sends back as `Last-Event-ID`. */
  id: string | undefined;
  /** `event:` of this message; "message" when absent. */
  event: string;
  data: string;
}

/**
 * Yields the messages of a stream as they complete.
 *
 * @example
 * for await (const message of readServerSentEvents(response.body)) console.log(message.event, message.data);
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = "";
  let lastId: string | undefined;
  let event = "";
  let data: string[] = [];
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      const text = buffer + decoder.decode(chunk.value, { stream: true });
      const cut = text.endsWith("\r") ? text.length - 1 : text.length;
      const lines = text.slice(0, cut).split(/\r\n|\n|\r/);
      buffer = (lines.pop() ?? "") + text.slice(cut);
      for (const line of lines) {
        if (line === "") {
          if (data.length > 0) yield { id: lastId, event: event || "message", data: data.join("\n") };
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") data.push(value);
        else if (field === "event") event = value;
        else if (field === "id" && !value.includes("\0")) lastId = value;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
