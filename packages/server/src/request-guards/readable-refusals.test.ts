/**
 * An 80 MB `POST /api/ingest` against the 16 MiB cap: Node's fetch must read the 413 and its
 * error body, not a reset connection. The client runs in a child process, as a real one would,
 * several uploads at once (closing the connection right after the answer reset a few in ten).
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/test-server.js";

/** Sends 80 MB bodies, four at a time, five rounds, plus one streamed without Content-Length. */
const client = `
const url = process.argv[1];
const big = Buffer.alloc(80 * 1024 * 1024, 0x20);
const results = [];
const send = async (init) => {
  try {
    const response = await fetch(url + "/api/ingest", { method: "POST", headers: { "content-type": "application/json" }, ...init });
    const body = await response.json();
    results.push(response.status + " " + body.error.code);
  } catch (error) {
    results.push("failed: " + (error.cause?.code ?? error.message));
  }
};
for (let round = 0; round < 5; round++) await Promise.all([1, 2, 3, 4].map(() => send({ body: big })));
await send({ body: new Blob([big]).stream(), duplex: "half" });
console.log(JSON.stringify(results));
`;

function runClient(url: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", client, url], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out) as string[]);
      } catch {
        reject(new Error(`the client printed ${JSON.stringify(out)}`));
      }
    });
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("an oversized body", () => {
  it("gets a 413 that fetch reads, every time, declared or streamed", async () => {
    const results = await runClient(server.url);
    expect(results).toEqual(Array.from({ length: 21 }, () => "413 payload_too_large"));
    expect((await server.get("/api/health")).status).toBe(200);
  });
});
