/**
 * Every route's real JSON answer parses with the schema the OpenAPI document names for it: a real
 * server on 127.0.0.1 hosts the starter project, is prompted and runs workflows, and each answer
 * is kept under "METHOD /path/{template} status" and checked against core's schema. A field the
 * server adds, drops or retypes without the schema fails here.
 */
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageAdded, runCreated, runFinished, spanRecorded } from "../testing/run-events.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";
import { type ReplySchemaName, replySchemas } from "./reply-schemas.js";

const starter = fileURLToPath(new URL("../../../../examples/starter", import.meta.url));

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}
interface Problem {
  key: string;
  problem: unknown;
  body?: unknown;
}

/** Success answers the starter cannot produce, and where they are covered instead. */
const notCalled: Record<string, string> = {
  "GET /api/hooks/{token} 200": "the starter's hook needs a body; workflow-waits.test.ts resumes one by GET",
};

let server: TestServer;
let document: Document;
const replies = new Map<string, unknown[]>();

async function call(method: "GET" | "POST", template: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  const key = `${method} ${template} ${response.status}`;
  replies.set(key, [...(replies.get(key) ?? []), json]);
  return json;
}

async function detailWhen(runId: string, done: (status: string) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const reply = (await (await fetch(`${server.url}/api/history/${runId}`)).json()) as { run: { status: string } };
    if (done(reply.run.status) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function exercise(): Promise<void> {
  const include = "include=messages,trace,steps";
  await call("GET", "/api/health", "/api/health");
  const { runId: ingested, event } = runCreated({ slug: "support", sessionId: "ses_ingested" });
  await call("POST", "/api/ingest", "/api/ingest", {
    runId: ingested,
    events: [event, messageAdded(0, "Hello"), spanRecorded("chat demo/echo"), runFinished("success")],
  });

  await call("GET", "/api/agents", "/api/agents");
  const prompt = await call("POST", "/api/agents/{slug}/prompt", "/api/agents/support/prompt", {
    message: "Where is my order A-1001?",
  });
  await call("GET", "/api/agents/{slug}/sessions", "/api/agents/support/sessions");
  await call(
    "GET",
    "/api/agents/{slug}/sessions/{sessionId}",
    `/api/agents/support/sessions/${prompt.sessionId}?${include}`,
  );

  await call("GET", "/api/workflows", "/api/workflows");
  const start = (input: Record<string, unknown>) =>
    call("POST", "/api/workflows/{slug}/runs", "/api/workflows/refund-review/runs", { input });
  const done = await start({ orderId: "A-1003", reason: "The box arrived damaged", coolOff: "50ms" });
  const waiting = await start({ orderId: "A-1001", reason: "Late", approval: "manager", coolOff: "10ms" });
  const sleeping = await start({ orderId: "A-1002", reason: "Late", coolOff: "1h" });
  await detailWhen(String(done.runId), (status) => status === "success" || status === "failed");
  await detailWhen(String(waiting.runId), (status) => status === "waiting_on_hook");
  await detailWhen(String(sleeping.runId), (status) => status === "sleeping");

  await call("GET", "/api/history", "/api/history");
  for (const runId of [prompt.runId, done.runId, sleeping.runId, ingested])
    await call("GET", "/api/history/{runId}", `/api/history/${runId}?${include}`);
  await call("GET", "/api/workflows/{slug}/runs", "/api/workflows/refund-review/runs");
  const view = (await call(
    "GET",
    "/api/workflows/{slug}/runs/{runId}",
    `/api/workflows/refund-review/runs/${waiting.runId}?${include}`,
  )) as { run: { wait: { resumeUrl: string } } };
  await call("POST", "/api/hooks/{token}", new URL(view.run.wait.resumeUrl).pathname, { approved: true, by: "Ada" });
  await call("POST", "/api/runs/{runId}/cancel", `/api/runs/${sleeping.runId}/cancel`);

  await call("GET", "/api/trigger-sources", "/api/trigger-sources");
  await call("POST", "/api/trigger-sources/{slug}/disable", "/api/trigger-sources/new-tickets/disable", {});
  await call("POST", "/api/trigger-sources/{slug}/enable", "/api/trigger-sources/new-tickets/enable", {});
  await call("POST", "/api/trigger-sources/{slug}/invoke", "/api/trigger-sources/support-tickets/invoke", {
    input: { customer: "Ada", message: "Where is my refund?" },
  });
  const delivered = await call("POST", "/api/triggers/{endpoint}", "/api/triggers/support-tickets", {
    customer: "Ada",
    message: "Where is my order A-1001?",
  });
  await call("POST", "/api/triggers/{endpoint}", "/api/triggers/support-tickets", {
    customer: "Test",
    message: "ignore",
    test: true,
  });
  await call(
    "GET",
    "/api/trigger-sources/{slug}/runs/{runId}",
    `/api/trigger-sources/support-tickets/runs/${delivered.runId}?${include}`,
  );

  await call("GET", "/api/history/{runId}", "/api/history/run_01KB0000000000000000000000");
  await call("POST", "/api/workflows/{slug}/runs", "/api/workflows/refund-review/runs", { input: { orderId: "A-1" } });
}

/** The schema name the document gives an answer, when it is named JSON. */
function schemaNameOf(key: string): ReplySchemaName | undefined {
  const [method = "", path = "", status = ""] = key.split(" ");
  const operation = document.paths[path]?.[method.toLowerCase()];
  const ref = operation?.responses[status]?.content?.["application/json"]?.schema?.$ref;
  return ref?.slice("#/components/schemas/".length) as ReplySchemaName | undefined;
}

beforeAll(async () => {
  server = await startTestServer({ projectDir: starter });
  document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Document;
  await exercise();
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe("the API's replies and their schemas", () => {
  it("calls every operation whose success answer is a named JSON schema", () => {
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.keys(operation.responses)
          .filter((status) => status.startsWith("2"))
          .map((status) => `${method.toUpperCase()} ${path} ${status}`)
          .filter((key) => schemaNameOf(key) !== undefined && !(key in notCalled)),
      ),
    );
    expect(documented.filter((key) => !replies.has(key))).toEqual([]);
  });

  it("parses each real answer with the schema the document names for its route and status", () => {
    const problems = [...replies].flatMap(([key, bodies]): Problem[] => {
      const name = schemaNameOf(key);
      if (name === undefined) return [{ key, problem: "the document names no JSON schema for this answer" }];
      return bodies.flatMap((body): Problem[] => {
        const parsed = replySchemas[name].safeParse(body);
        if (!parsed.success) return [{ key, problem: parsed.error.issues }];
        return isDeepStrictEqual(parsed.data, body) ? [] : [{ key, problem: "fields the schema does not know", body }];
      });
    });
    expect(problems).toEqual([]);
  });

  it("answered the errors it provoked with the error body", () => {
    expect([...replies.keys()]).toEqual(
      expect.arrayContaining(["GET /api/history/{runId} 404", "POST /api/workflows/{slug}/runs 400"]),
    );
  });
});
