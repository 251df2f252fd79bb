/**
 * Writing Server-Sent Events the way the providers do, and cutting text into several deltas so
 * that a client must reassemble it, as it must from a real model.
 */
import type { ServerResponse } from "node:http";

/** Sends one event: `event:` when named (Anthropic, Responses), then the JSON data line. */
export type SendEvent = (data: unknown, event?: string) => void;

/**
 * Starts a 200 event stream and returns the function that writes its events.
 *
 * @example
 * const send = openEventStream(response);
 * send({ type: "ping" }, "ping");
 * response.end();
 */
export function openEventStream(response: ServerResponse): SendEvent {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  return (data, event) => {
    const line = `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
    response.write(event === undefined ? line : `event: ${event}\n${line}`);
  };
}

/**
 * Cuts a text into up to `count` consecutive pieces (never empty ones), whose concatenation is
 * the text.
 *
 * @example
 * pieces('{"city":"Paris"}', 3); // ['{"city', '":"Par', 'is"}']
 */
export function pieces(text: string, count = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const out: string[] = [];
  for (let start = 0; start < text.length; start += size) out.push(text.slice(start, start + size));
  return out;
}
