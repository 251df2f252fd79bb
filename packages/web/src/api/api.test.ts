import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, getJson, isAbort, onUnauthorized, parseRetryAfter, postJson, sendJson } from "./api";

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

describe("postJson", () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  /** A server that answers every request with `status` and `reply`, and keeps what it was sent. */
  async function answering(status: number, reply: unknown) {
    const seen: { method?: string; type?: string; body: string }[] = [];
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on("end", () => {
        seen.push({ method: request.method, type: request.headers["content-type"], body });
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((listening) => server?.listen(0, "127.0.0.1", listening));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/runs/run_1/cancel`, seen };
  }

  it("posts a JSON body and returns the JSON answer", async () => {
    const { url, seen } = await answering(200, { runId: "run_1", status: "canceled" });
    await expect(postJson(url)).resolves.toEqual({ runId: "run_1", status: "canceled" });
    expect(seen).toEqual([{ method: "POST", type: "application/json", body: "{}" }]);
  });

  it("turns a refusal into an ApiError with the server's message and hint", async () => {
    const { url } = await answering(409, {
      error: {
        message: "Run run_1 already finished: Success",
        hint: "Only queued, running, sleeping or waiting runs can be canceled",
      },
    });
    await expect(postJson(url)).rejects.toMatchObject({
      message: "Run run_1 already finished: Success",
      status: 409,
      hint: "Only queued, running, sleeping or waiting runs can be canceled",
    });
  });
});

describe("the session's end and other answers", () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  async function answering(status: number, body: string, headers: Record<string, string> = {}) {
    server = createServer((_request, response) => {
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(body);
    });
    await new Promise<void>((listening) => server?.listen(0, "127.0.0.1", listening));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const unauthorized = JSON.stringify({ error: { code: "unauthorized", message: "Sign in first" } });

  it("tells the page on a 401 of a request made with the session", async () => {
    const url = await answering(401, unauthorized);
    let heard = 0;
    const stop = onUnauthorized(() => {
      heard += 1;
    });
    await expect(getJson(`${url}/api/history`)).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    expect(heard).toBe(1);
    stop();
    await expect(getJson(`${url}/api/history`)).rejects.toBeInstanceOf(ApiError);
    expect(heard).toBe(1);
  });

  it("keeps quiet on a 401 answering the credential the request carried (a wrong password)", async () => {
    const url = await answering(401, unauthorized);
    let heard = 0;
    const stop = onUnauthorized(() => {
      heard += 1;
    });
    await expect(
      sendJson("POST", `${url}/api/auth/login`, { email: "a@b.c", password: "x" }, { checksCredential: true }),
    ).rejects.toMatchObject({ status: 401, message: "Sign in first" });
    expect(heard).toBe(0);
    stop();
  });

  it("says how long a rate-limited caller waits", async () => {
    const url = await answering(
      429,
      JSON.stringify({ error: { code: "rate_limited", message: "Too many sign-in attempts" } }),
      { "retry-after": "900" },
    );
    await expect(sendJson("POST", `${url}/api/auth/login`, {}, { checksCredential: true })).rejects.toMatchObject({
      status: 429,
      code: "rate_limited",
      retryAfterSeconds: 900,
    });
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 0)).toBe(10);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("reads an answer without a body as nothing", async () => {
    const url = await answering(204, "");
    await expect(sendJson("DELETE", `${url}/api/organizations/acme/api-keys/key_1`)).resolves.toBeUndefined();
  });
});
