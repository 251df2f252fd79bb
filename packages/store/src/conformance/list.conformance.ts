import type { RunFilter, RunSummary } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import type { RunStore } from "../run-store.js";
import { type RunSpec, runEvents } from "./fixtures.js";
import { expectKeystrokeError, type StoreUnderTest } from "./index.js";

const T0 = Date.parse("2026-11-01T00:00:00Z");
const HOUR = 3_600_000;

/** A small, varied History: each run differs from the others in the fields the filters use. */
const history: (RunSpec & { key: string })[] = [
  {
    key: "refund",
    at: T0,
    messages: ["I want a refund for order 1042", "Refund issued."],
    models: [{ provider: "openai", model: "gpt-5", cost: 0.5 }],
    status: "success",
  },
  {
    key: "failed-tool",
    at: T0 + HOUR,
    messages: ["Cancel my subscription"],
    models: [{ provider: "anthropic", model: "claude-sonnet-4.6", cost: 2 }],
    services: ["stripe"],
    status: "failed",
  },
  {
    key: "workflow",
    at: T0 + 2 * HOUR,
    kind: "workflow",
    slug: "nightly-report",
    source: "trigger",
    trigger: "Schedule",
    actorId: "cron:nightly",
    steps: 3,
    status: "success",
  },
  {
    key: "slack",
    at: T0 + 3 * HOUR,
    source: "gateway",
    trigger: "Slack thread",
    actorId: "slack:U123",
    project: "beta",
    messages: ["Bonjour, où est ma commande ?"],
    services: ["zendesk", "stripe"],
    status: "running",
  },
  {
    key: "research",
    at: T0 + 4 * HOUR,
    slug: "research",
    source: "agent",
    trigger: "Subagent call",
    models: [
      { provider: "openai", model: "gpt-5", cost: 0.1 },
      { provider: "openai", model: "gpt-5-mini", cost: 0.01 },
    ],
    messages: ["Summarize the refund policy", "Policy: 30 days", "Thanks", "Welcome"],
    status: "canceled",
  },
];

async function seed(store: RunStore): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const batches = history.map((spec) => {
    const batch = runEvents(spec);
    ids.set(spec.key, batch.runId);
    return batch;
  });
  await store.append(batches);
  return ids;
}

async function keys(store: RunStore, ids: Map<string, string>, filter: RunFilter): Promise<string[]> {
  const byId = new Map([...ids].map(([k, v]) => [v, k]));
  return (await store.listRuns(filter)).runs.map((r) => byId.get(r.runId) ?? r.runId);
}

export function describeList(get: () => StoreUnderTest): void {
  describe("listRuns", () => {
    it("lists newest first without message bodies", async () => {
      const { store } = get();
      const ids = await seed(store);
      const page = await store.listRuns({});
      expect(page.runs.map((r) => r.runId)).toEqual([...ids.values()].reverse());
      expect(page.nextCursor).toBeNull();
      const first = page.runs[0] as RunSummary & Record<string, unknown>;
      expect(first.input).toBeUndefined();
      expect(first.messages).toBeUndefined();
    });

    it.each<[string, RunFilter, string[]]>([
      ["status", { status: ["failed"] }, ["failed-tool"]],
      ["several statuses", { status: ["failed", "canceled"] }, ["research", "failed-tool"]],
      ["kind", { kind: ["workflow"] }, ["workflow"]],
      ["project", { project: ["beta"] }, ["slack"]],
      ["source", { source: ["gateway", "trigger"] }, ["slack", "workflow"]],
      ["trigger label", { trigger: ["Subagent call"] }, ["research"]],
      ["actor", { actor: ["slack:U123"] }, ["slack"]],
      ["one model", { model: ["openai/gpt-5"] }, ["research", "refund"]],
      ["several models", { model: ["openai/gpt-5-mini", "anthropic/claude-sonnet-4.6"] }, ["research", "failed-tool"]],
      ["one service", { service: ["stripe"] }, ["slack", "failed-tool"]],
      ["several services", { service: ["zendesk", "stripe"] }, ["slack", "failed-tool"]],
      ["slug", { slug: ["nightly-report"] }, ["workflow"]],
      ["cost range", { costMin: 0.1, costMax: 1 }, ["research", "refund"]],
      ["message range", { messagesMin: 2, messagesMax: 3 }, ["refund"]],
      ["step range", { stepsMin: 3 }, ["workflow"]],
      ["time range", { from: T0 + HOUR, to: T0 + 3 * HOUR }, ["workflow", "failed-tool"]],
      ["model and status", { model: ["openai/gpt-5"], status: ["success"] }, ["refund"]],
      ["service and project", { service: ["stripe"], project: ["acme"] }, ["failed-tool"]],
      ["status, kind and time", { status: ["success"], kind: ["agent"], from: T0 - HOUR }, ["refund"]],
      [
        "two statuses and a project",
        { status: ["failed", "canceled"], project: ["acme"] },
        ["research", "failed-tool"],
      ],
      [
        "model, service and status",
        { model: ["anthropic/claude-sonnet-4.6"], service: ["stripe"], status: ["failed"] },
        ["failed-tool"],
      ],
      [
        "two models and two statuses",
        { model: ["openai/gpt-5", "anthropic/claude-sonnet-4.6"], status: ["failed", "canceled"] },
        ["research", "failed-tool"],
      ],
      ["project, source and actor", { project: ["beta"], source: ["gateway"], actor: ["slack:U123"] }, ["slack"]],
      ["an empty list with another filter", { status: [], project: ["acme"] }, []],
      ["nothing matches", { status: ["sleeping"] }, []],
    ])("filters by %s", async (_name, filter, expected) => {
      const { store } = get();
      const ids = await seed(store);
      expect(await keys(store, ids, filter)).toEqual(expected);
    });

    it.each<[string, string, string[]]>([
      ["a word", "refund", ["research", "refund"]],
      ["words in any case, all required", "REFUND order", ["refund"]],
      ["a phrase", '"refund policy"', ["research"]],
      ["a prefix", "subscr*", ["failed-tool"]],
      ["without accents", "ou commande", ["slack"]],
      ["FTS syntax taken literally", 'refund (*: "', ["research", "refund"]],
      ["punctuation only", "?!", []],
      ["an absent word", "kangaroo", []],
    ])("searches conversations for %s", async (_name, search, expected) => {
      const { store } = get();
      const ids = await seed(store);
      expect(await keys(store, ids, { search })).toEqual(expected);
    });

    it("combines search with filters", async () => {
      const { store } = get();
      const ids = await seed(store);
      expect(await keys(store, ids, { search: "refund", status: ["canceled"] })).toEqual(["research"]);
    });

    it("pages by keyset with no gaps or repeats while new runs arrive", async () => {
      const { store } = get();
      const specs = Array.from({ length: 25 }, (_, i) => ({
        at: T0 + i * 1000,
        status: i % 3 === 0 ? ("failed" as const) : ("success" as const),
      }));
      // Two runs share a trigger time: the run id breaks the tie.
      specs.push({ at: T0 + 5000, status: "success" });
      await store.append(specs.map((s) => runEvents(s)));
      const seen: RunSummary[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listRuns({}, { cursor, limit: 10 });
        seen.push(...page.runs);
        cursor = page.nextCursor ?? undefined;
        pages++;
        if (pages === 1) await store.append([runEvents({ at: T0 + 99_000 })]);
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(26);
      expect(new Set(seen.map((r) => r.runId)).size).toBe(26);
      const order = seen.map((r) => [Date.parse(r.triggeredAt), r.runId] as const);
      const sorted = [...order].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
      expect(order).toEqual(sorted);
      const failed = await store.listRuns({ status: ["failed"] }, { limit: 5 });
      const rest = await store.listRuns({ status: ["failed"] }, { limit: 5, cursor: failed.nextCursor ?? undefined });
      expect([...failed.runs, ...rest.runs].map((r) => r.status)).toEqual(Array(9).fill("failed"));
      expect(rest.nextCursor).toBeNull();
    });

    it("pages search results without repeats, a run with many matching messages counted once", async () => {
      const { store } = get();
      const specs = Array.from({ length: 12 }, (_, i) => ({
        at: T0 + i * 1000,
        messages: i % 4 === 3 ? ["nothing here"] : ["the parcel is late", "parcel found", "parcel delivered"],
      }));
      const batches = specs.map((s) => runEvents(s));
      await store.append(batches);
      const expected = batches
        .filter((_, i) => i % 4 !== 3)
        .map((b) => b.runId)
        .reverse();
      const first = await store.listRuns({ search: "parcel" }, { limit: 4 });
      const second = await store.listRuns({ search: "parcel" }, { limit: 4, cursor: first.nextCursor ?? undefined });
      const third = await store.listRuns({ search: "parcel" }, { limit: 4, cursor: second.nextCursor ?? undefined });
      expect([...first.runs, ...second.runs, ...third.runs].map((r) => r.runId)).toEqual(expected);
      expect(third.runs).toHaveLength(1);
      expect(third.nextCursor).toBeNull();
      const historyCursor = (await store.listRuns({}, { limit: 1 })).nextCursor ?? undefined;
      await expectKeystrokeError(
        store.listRuns({ search: "parcel" }, { cursor: historyCursor }),
        "invalid_input",
        "cursor",
      );
      await expectKeystrokeError(
        store.listRuns({}, { cursor: first.nextCursor ?? undefined }),
        "invalid_input",
        "cursor",
      );
    });

    it("rejects a cursor it did not issue", async () => {
      const { store } = get();
      await expectKeystrokeError(store.listRuns({}, { cursor: "not-a-cursor" }), "invalid_input", "cursor");
    });

    it("lists and gets the sessions of an agent", async () => {
      const { store } = get();
      const a = runEvents({ slug: "support", sessionId: "ses_a", at: T0, status: "failed", messages: ["a"] });
      const b = runEvents({ slug: "support", sessionId: "ses_b", at: T0 + 1000, status: "success" });
      const other = runEvents({ slug: "research", sessionId: "ses_a", at: T0 + 2000 });
      const wf = runEvents({ kind: "workflow", slug: "support", at: T0 + 3000 });
      await store.append([a, b, other, wf]);
      expect((await store.listSessions("support")).runs.map((r) => r.runId)).toEqual([b.runId, a.runId]);
      expect((await store.listSessions("support", { status: ["failed"] })).runs.map((r) => r.runId)).toEqual([a.runId]);
      const session = await store.getSession({ slug: "support", sessionId: "ses_a" }, { messages: {} });
      expect(session?.run.runId).toBe(a.runId);
      expect(session?.messages?.items.map((m) => m.parts)).toEqual([[{ type: "text", text: "a" }]]);
      expect(await store.getSession({ slug: "support", sessionId: "ses_a", project: "other" })).toBeUndefined();
      expect(await store.getSession({ slug: "support", sessionId: "ses_zzz" })).toBeUndefined();
    });
  });
}
