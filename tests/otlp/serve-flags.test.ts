/**
 * `keystroke serve` with the OTLP settings: `--otlp-max-body` caps what the receiver accepts, and
 * `--otlp-export-url` (or KEYSTROKE_OTLP_EXPORT_URL) sends the server's runs to another backend;
 * and a server stopped while a conversation waits for its root span writes it before it exits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBuilt, runCli, startServeProcess } from "@keystroke/cli/testing";
import { testSpan, tracesBody } from "@keystroke/server/testing";
import { openSqliteStore } from "@keystroke/store";
import { afterAll, beforeAll, expect, it } from "vitest";

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), "keystroke-otlp-serve-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("--otlp-max-body caps OTLP bodies and --otlp-export-url says where runs go", async () => {
  const serve = await startServeProcess([
    "--port",
    "0",
    "--db",
    join(dir, "a.db"),
    "--otlp-max-body",
    "2048",
    "--otlp-export-url",
    "http://127.0.0.1:9/v1/traces",
    "--no-auth",
  ]);
  try {
    const headers = { "content-type": "application/x-protobuf" };
    const small = await fetch(`${serve.url}/v1/traces`, { method: "POST", headers, body: tracesBody([testSpan(1)]) });
    expect(small.status).toBe(200);
    const large = tracesBody([testSpan(2, { attributes: { text: "x".repeat(4096) } })]);
    expect((await fetch(`${serve.url}/v1/traces`, { method: "POST", headers, body: large })).status).toBe(413);
    expect(serve.output().stdout).toContain("Sending runs as OTLP to http://127.0.0.1:9/v1/traces");
  } finally {
    serve.child.kill("SIGTERM");
    await serve.exited;
  }
});

it("refuses an export URL that is not http(s)", async () => {
  const result = await runCli(["serve", "--port", "0", "--db", join(dir, "b.db")], {
    env: { KEYSTROKE_OTLP_EXPORT_URL: "ftp://collector" },
  });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("expected an http(s) URL");
});

it("writes the conversations still waiting for their root span when it is stopped", async () => {
  const db = join(dir, "c.db");
  const serve = await startServeProcess(["--port", "0", "--db", db, "--no-auth"]);
  const chat = testSpan(3, {
    parentSpanId: "00000000000000ff",
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "Sunny." }] }]),
    },
  });
  try {
    const headers = { "content-type": "application/x-protobuf" };
    const sent = await fetch(`${serve.url}/v1/traces`, { method: "POST", headers, body: tracesBody([chat]) });
    expect(sent.status).toBe(200);
  } finally {
    serve.child.kill("SIGTERM");
  }
  expect((await serve.exited).code).toBe(0);
  // The reply waited in the receiver's mapping thread; the server wrote it before exiting.
  const store = openSqliteStore(db);
  try {
    const [run] = (await store.listRuns({})).runs;
    const view = await store.getRun(run?.runId ?? "", { messages: {} });
    expect(view?.messages?.items.map((m) => m.parts)).toEqual([[{ type: "text", text: "Sunny." }]]);
  } finally {
    await store.close();
  }
});
