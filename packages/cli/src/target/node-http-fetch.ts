/**
 * The CLI's HTTP transport: node:http instead of the global fetch. A command makes a request or
 * two and exits; fetch first loads undici and the web streams (about 50 ms of a cold start here),
 * node:http is already in Node's startup snapshot. Web streams load only when a command streams.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import type { HttpFetch, HttpResponse } from "keystroke/client";

function toResponse(message: IncomingMessage): HttpResponse {
  const status = message.statusCode ?? 0;
  let body: ReadableStream<Uint8Array> | undefined;
  return {
    ok: status >= 200 && status < 300,
    status,
    async text() {
      let text = "";
      message.setEncoding("utf8");
      for await (const chunk of message) text += chunk;
      return text;
    },
    get body() {
      body ??= Readable.toWeb(message) as ReadableStream<Uint8Array>;
      return body;
    },
  };
}

/** @example new KeystrokeClient({ baseUrl, fetch: nodeHttpFetch }) */
export const nodeHttpFetch: HttpFetch = (url, init) =>
  new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(url, { method: init.method ?? "GET", headers: init.headers, signal: init.signal }, (message) =>
      resolve(toResponse(message)),
    );
    request.on("error", reject);
    request.end(init.body);
  });
