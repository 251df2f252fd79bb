import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageAdded, runCreated, runFinished } from "../testing/run-events.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";

interface Summary {
  runId: string;
  kind: string;
  status: string;
  project: string;
  slug: string;
  triggeredAt: string;
}
interface RunPage {
  runs: Summary[];
  nextCursor: string | null;
}
interface ErrorReply {
  error: { code: string; message: string; hint?: string; details?: { problems?: { path: string }[] } };
}

const t0 = Date.parse("2026-11-20T09:00:00.000Z");
const specs = [
  { at: t0, kind: "agent", project: "acme", status: "success" },
  { at: t0 + 60_000, kind: "workflow", project: "acme", status: "failed" },
  { at: t0 + 120_000, kind: "agent", project: "globex", status: "failed" },
  { at: t0 + 180_000, kind: "agent", project: "acme", status: "success" },
  { at: t0 + 180_000, kind: "workflow", project: "globex", status: "success" },
  { at: t0 + 240_000, kind: "agent", project: "acme", status: "canceled" },
  { at: t0 + 300_000, kind: "agent", project: "acme", status: "success" },
] as const;

let server: TestServer;
const runIds: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  for (const [i, spec] of specs.entries()) {
    const { runId, event } = runCreated({ at: spec.at, kind: spec.kind, project: spec.project, slug: `bot-${i}` });
    const text = i === 3 ? "refund for a broken kettle" : `question ${i}`;
    const reply = await server.ingest(runId, [
      event,
      messageAdded(0, text, spec.at + 1),
      runFinished(spec.status, spec.at + 2),
    ]);
    expect(reply.status).toBe(200);
    runIds.push(runId);
  }
});
afterAll(async () => {
  await server.close();
});

const newestFirst = () =>
  specs
    .map((spec, i) => ({ at: spec.at, runId: runIds[i] as string }))
    .sort((a, b) => b.at - a.at || (a.runId < b.runId ? 1 : -1))
    .map((r) => r.runId);

describe("GET /api/history", () => {
  it("lists every run newest first with the default page", async () => {
    const { status, body } = await server.get<RunPage>("/api/history");
    expect(status).toBe(200);
    expect(body.runs.map((r) => r.runId)).toEqual(newestFirst());
    expect(body.nextCursor).toBeNull();
  });

  it("pages by keyset over more than two pages without duplicates or gaps", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? "limit=3" : `limit=3&cursor=${encodeURIComponent(cursor)}`;
      const { status, body }: { status: number; body: RunPage } = await server.get<RunPage>(`/api/history?${query}`);
      expect(status).toBe(200);
      expect(body.runs.length).toBeLessThanOrEqual(3);
      seen.push(...body.runs.map((r) => r.runId));
      cursor = body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst());
  });

  it("pages search results with the cursor each page returns", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string =
        cursor === null ? "q=question&limit=2" : `q=question&limit=2&cursor=${encodeURIComponent(cursor)}`;
      const { status, body }: { status: number; body: RunPage } = await server.get<RunPage>(`/api/history?${query}`);
      expect(status).toBe(200);
      seen.push(...body.runs.map((r) => r.runId));
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(seen.sort()).toEqual(runIds.filter((_, i) => i !== 3).sort());
  });

  it("filters by query parameters, repeated or comma-separated", async () => {
    const ids = async (query: string) =>
      (await server.get<RunPage>(`/api/history?${query}`)).body.runs.map((r) => r.runId).sort();
    const pick = (...indexes: number[]) => indexes.map((i) => runIds[i] as string).sort();

    expect(await ids("status=failed")).toEqual(pick(1, 2));
    expect(await ids("kind=workflow")).toEqual(pick(1, 4));
    expect(await ids("status=failed&status=canceled")).toEqual(pick(1, 2, 5));
    expect(await ids("status=failed,canceled&project=acme")).toEqual(pick(1, 5));
    expect(await ids("slug=bot-3")).toEqual(pick(3));
    expect(await ids(`from=${new Date(t0 + 180_000).toISOString()}`)).toEqual(pick(3, 4, 5, 6));
    expect(await ids("q=kettle")).toEqual(pick(3));
    expect(await ids("project=initech")).toEqual([]);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["limit=ten", "limit"],
    ["limit=2.5", "limit"],
    ["cursor=not-a-cursor", "cursor"],
    ["status=exploded", "status"],
    ["costMin=cheap", "costMin"],
    ["colour=red", "colour"],
  ])("answers 400 naming the parameter for %s", async (query, name) => {
    const { status, body } = await server.get<ErrorReply>(`/api/history?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.message).toContain(name);
    expect(body.error.details?.problems?.[0]?.path).toBe(name);
  });
});

describe("GET /api/history/:runId", () => {
  it("answers the run detail alone when nothing is included", async () => {
    const runId = runIds[1] as string;
    const { status, body } = await server.get<{ run: Summary & { error: { message: string } } }>(
      `/api/history/${runId}`,
    );
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(["run"]);
    expect(body.run).toMatchObject({
      runId,
      kind: "workflow",
      status: "failed",
      error: { message: "Order lookup failed" },
    });
  });

  it("pages a conversation with messagesLimit and messagesCursor", async () => {
    const { runId, event } = runCreated({ at: t0 - 1000 });
    const messages = Array.from({ length: 5 }, (_, i) => messageAdded(i, `message ${i}`, t0 - 900 + i));
    await server.ingest(runId, [event, ...messages]);
    type Detail = { messages: { items: { index: number }[]; nextCursor: string | null } };
    const texts: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? "" : `&messagesCursor=${encodeURIComponent(cursor)}`;
      const reply: { body: Detail } = await server.get<Detail>(
        `/api/history/${runId}?include=messages&messagesLimit=2${query}`,
      );
      texts.push(...reply.body.messages.items.map((m) => m.index));
      cursor = reply.body.messages.nextCursor;
    } while (cursor !== null);
    expect(texts).toEqual([0, 1, 2, 3, 4]);
  });

  it("answers 400 naming a value of include it does not know", async () => {
    const { status, body } = await server.get<ErrorReply>(`/api/history/${runIds[0]}?include=messages,secrets`);
    expect(status).toBe(400);
    expect(body.error.message).toContain('"secrets"');
    expect(body.error.message).toContain("messages, trace, steps");
    expect(body.error.details?.problems?.[0]?.path).toBe("include");
  });

  it("answers 400 for a page parameter of a part that is not included", async () => {
    const { status, body } = await server.get<ErrorReply>(`/api/history/${runIds[0]}?spansLimit=5`);
    expect(status).toBe(400);
    expect(body.error.message).toContain("spansLimit");
    expect(body.error.hint).toContain("trace");
  });

  it("answers 404 with a hint for a run it does not hold", async () => {
    const missing = runCreated().runId;
    const { status, body } = await server.get<ErrorReply>(`/api/history/${missing}`);
    expect(status).toBe(404);
    expect(body.error.code).toBe("not_found");
    expect(body.error.message).toContain(missing);
    expect(body.error.hint).toBe("List runs with `keystroke history list`");
  });

  it("answers 400 for a path that cannot be a run id", async () => {
    const { status, body } = await server.get<ErrorReply>("/api/history/nope");
    expect(status).toBe(400);
    expect(body.error.details?.problems?.[0]?.path).toBe("runId");
  });
});
