/**
 * Why: when the server answers before it has read the whole body (413 over the cap, 429 while
 * busy), closing the connection at once resets it while the client is still sending, and the
 * client sees ECONNRESET or EPIPE instead of the answer. Like a lingering close, the rest of the
 * body is read and thrown away (never kept) up to MAX_DISCARD_BYTES, with the connection kept
 * alive; a client that declares or sends more than that is disconnected.
 */
import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";

/** The most of an unread body the server reads and throws away so the client can read the answer. */
export const MAX_DISCARD_BYTES = 128 * 1024 * 1024;

function discard(request: IncomingMessage, maxBytes: number): void {
  let discarded = 0;
  request.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) request.socket.destroy();
  });
  request.resume();
}

/** Makes every answer sent before the end of its request's body readable by the client. */
export function useReadableRefusals(app: FastifyInstance, maxDiscardBytes = MAX_DISCARD_BYTES): void {
  app.addHook("onSend", async (request, reply, payload) => {
    const raw = request.raw;
    if (raw.complete || raw.destroyed) return payload;
    const declared = Number(raw.headers["content-length"] ?? 0);
    if (declared > maxDiscardBytes) {
      reply.header("connection", "close");
      return payload;
    }
    reply.removeHeader("connection");
    discard(raw, maxDiscardBytes);
    return payload;
  });
}
