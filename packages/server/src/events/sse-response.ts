import type { ServerResponse } from "node:http";
import type { FastifyReply } from "fastify";
import { sseHeartbeat } from "./sse-frame.js";

/**
 * Takes the response over from Fastify as a Server-Sent Events stream: the headers that keep
 * proxies from buffering or caching it, and a first heartbeat so the client sees it open.
 *
 * @example
 * const response = openSseResponse(reply);
 * response.write(sseFrame(event));
 */
export function openSseResponse(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  response.write(sseHeartbeat);
  return response;
}
