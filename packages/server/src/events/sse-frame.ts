import type { StoredEvent } from "@keystroke/core";

/**
 * One Server-Sent Events message for a stored event: `id` is its sequence number (what the
 * browser sends back as Last-Event-ID), `event` its type, `data` the event as JSON on one line.
 *
 * @example
 * sseFrame(event); // "id: 3\nevent: message.added\ndata: {…}\n\n"
 */
export function sseFrame(event: StoredEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A comment line: ignored by clients, it keeps proxies from closing an idle stream. */
export const sseHeartbeat = ": heartbeat\n\n";
