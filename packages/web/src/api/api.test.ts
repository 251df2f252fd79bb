import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, getJson, isAbort } from "./api";

describe("getJson", () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  /** A server that sends the head and half a JSON body, then calls `onHalf` and never finishes. */
  async function halfAnswer(status: number, onHalf: () => void): Promise<string> {
    server = createServer((_request, response) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.write('{"runs": [', () => onHalf());
    });
    await new Promise<void>((listening) => server?.listen(0, "127.0.0.1", listening));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/history`;
  }

  it("rethrows the abort when the request is aborted while the body is read", async () => {
    const abort = new AbortController();
    const url = await halfAnswer(200, () => setTimeout(() => abort.abort(), 50));
    const error = await getJson(url, abort.signal).catch((e: unknown) => e);
    expect(isAbort(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ApiError);
  });

  it("turns an error body into an ApiError with the server's message", async () => {
    server = createServer((_request, response) => {
      response.writeHead(400, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "Invalid filter status", hint: "Use one of…" } }));
    });
    await new Promise<void>((listening) => server?.listen(0, "127.0.0.1", listening));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/history?status=sideways`;
    await expect(getJson(url)).rejects.toMatchObject({
      message: "Invalid filter status",
      status: 400,
      hint: "Use one of…",
    });
  });
});
