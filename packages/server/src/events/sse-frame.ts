import type { StoredEvent } from "@keystroke/core";

/**
 * One Server-Sent Events message: the `event` name, `data` as JSON on one line, and an `id` when
 * the stream can be resumed from it. Every SSE stream of the server writes through here.
 *
 * @example
 * sseMessage("result", { ok: true }); // "event: result\ndata: {\"ok\":true}\n\n"
 */
export function sseMessage(event: string, data: unknown, id?: number): string {
  const head = id === undefined ? "" : `id: ${id}\n`;
  return `${head}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The message of a stored event: `id` is its sequence number (what the browser sends back as
 * Last-Event-ID), `event` its type, `data` the event.
 *
 * @example
 * sseFrame(event); // "id: 3\nevent: message.added\ndata: {…}\n\n"
 */
export function sseFrame(event: StoredEvent): string {
  return sseMessage(event.type, event, event.seq);
}

/** A comment line: ignored by clients, it keeps proxies from closing an idle stream. */
export const sseHeartbeat = ": heartbeat\n\n";
