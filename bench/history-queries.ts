/**
 * History at scale: `listRuns` over a store of 1,000,000 runs, per filter and combined, first
 * and second pages, beside the plain newest-first page as the baseline. The store is built once
 * through `store.append` and kept in bench/.cache, under a name that changes with the schema.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type IngestBatch, parseIngestBatch, type RunEventInput, type RunFilter } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { migrations, openSqliteStore, type SqliteRunStore } from "@keystroke/store";
import { pick, random, sentence } from "./data.js";
import { heading, ms, percentile, progress, progressDone, table, timeAsync } from "./report.js";

const RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 1_000_000);
const SAMPLES = 40;
const T0 = Date.parse("2026-08-01T00:00:00Z");
const SPAN_MS = 90 * 86_400_000;

const statuses = [
  ...Array(80).fill("success"),
  ...Array(10).fill("failed"),
  ...Array(4).fill("canceled"),
  ...Array(3).fill("running"),
  "queued",
  "sleeping",
  "waiting_on_hook",
] as const;
const projects = Array.from({ length: 20 }, (_, i) => `project-${i}`);
const sources = [
  ["api", "API prompt"],
  ["cli", "CLI prompt"],
  ["gateway", "Slack thread"],
  ["trigger", "Schedule"],
  ["workflow", "Workflow step"],
  ["agent", "Subagent call"],
] as const;
const models = [
  "openai/gpt-5",
  "openai/gpt-5-mini",
  "anthropic/claude-sonnet-4.6",
  "anthropic/claude-haiku-4.5",
  "google/gemini-2.5-pro",
  "mistral/mistral-large",
  "openai/o4-mini",
  "demo/echo",
];
const services = ["stripe", "zendesk", "github", "slack", "postgres", "s3", "twilio", "sendgrid", "linear", "notion"];
const slugs = Array.from({ length: 50 }, (_, i) => `agent-${i}`);

const skewed = <T>(next: () => number, items: readonly T[]) => items[Math.floor(items.length * next() ** 2)] as T;
const iso = (t: number) => new Date(t).toISOString();

function runBatch(i: number, next: () => number): IngestBatch {
  const at = T0 + Math.floor((i / RUNS) * SPAN_MS);
  const runId = newRunId(at);
  const status = pick(next, statuses);
  const [source, trigger] = skewed(next, sources);
  const kind = next() < 0.7 ? "agent" : "workflow";
  const events: RunEventInput[] = [
    {
      eventId: newEventId(),
      type: "run.created",
      time: iso(at),
      kind,
      slug: skewed(next, slugs),
      name: "Bench run",
      project: skewed(next, projects),
      source,
      trigger: { label: trigger },
      actor: { type: "user", id: `user-${Math.floor(next() * 1000)}` },
    },
  ];
  if (status !== "queued") events.push({ eventId: newEventId(), type: "run.started", time: iso(at + 5) });
  const messageCount = 1 + Math.floor(next() * next() * 6);
  for (let m = 0; m < messageCount; m++) {
    events.push({
      eventId: newEventId(),
      type: "message.added",
      time: iso(at + 10 + m),
      message: { id: `m${m}`, role: m % 2 ? "assistant" : "user", parts: [{ type: "text", text: sentence(next, 10) }] },
    });
  }
  const calls = 1 + Math.floor(next() * 4);
  const model = skewed(next, models);
  const [provider, id] = model.split("/") as [string, string];
  for (let c = 0; c < calls; c++) {
    events.push({
      eventId: newEventId(),
      type: "model.called",
      time: iso(at + 20 + c),
      callId: `c${c}`,
      provider,
      model: id,
      usage: { inputTokens: 500, outputTokens: 100 },
      cost: Number((next() ** 3 * 0.5).toFixed(6)),
    });
  }
  if (next() < 0.15) {
    const [second, secondId] = pick(next, models).split("/") as [string, string];
    events.push({
      eventId: newEventId(),
      type: "model.called",
      time: iso(at + 30),
      callId: "cx",
      provider: second,
      model: secondId,
    });
  }
  const serviceCount = Math.floor(next() * 3);
  for (let s = 0; s < serviceCount; s++) {
    events.push({ eventId: newEventId(), type: "service.used", time: iso(at + 40), service: skewed(next, services) });
  }
  if (status !== "queued" && status !== "running" && status !== "sleeping" && status !== "waiting_on_hook") {
    events.push({
      eventId: newEventId(),
      type: "run.finished",
      time: iso(at + 1000 + Math.floor(next() * 60_000)),
      status,
      error: status === "failed" ? { message: "Tool lookup-order failed" } : undefined,
    });
  } else if (status !== "queued" && status !== "running") {
    events.push({ eventId: newEventId(), type: "run.status_changed", time: iso(at + 100), status });
  }
  return parseIngestBatch({ runId, events });
}

async function buildStore(path: string): Promise<void> {
  const building = `${path}.building`;
  rmSync(building, { force: true });
  const store = openSqliteStore(building);
  const next = random(42);
  const started = performance.now();
  for (let i = 0; i < RUNS; i += 1000) {
    const batches = Array.from({ length: Math.min(1000, RUNS - i) }, (_, k) => runBatch(i + k, next));
    await store.append(batches);
    const done = i + batches.length;
    const elapsed = (performance.now() - started) / 1000;
    progress(
      `building ${RUNS.toLocaleString("en-US")}-run store: ${done.toLocaleString("en-US")} runs, ${elapsed.toFixed(0)} s`,
    );
  }
  store.db.exec("ANALYZE");
  await store.close();
  progressDone();
  console.log(
    `built the ${RUNS.toLocaleString("en-US")}-run store in ${((performance.now() - started) / 1000).toFixed(0)} s (cached for later runs)`,
  );
  renameSync(building, path);
}

interface Case {
  name: string;
  filters: (next: () => number) => RunFilter;
}

const cases: Case[] = [
  { name: "status", filters: (n) => ({ status: [pick(n, ["failed", "running", "success", "canceled"] as const)] }) },
  { name: "kind", filters: (n) => ({ kind: [pick(n, ["agent", "workflow"] as const)] }) },
  { name: "project", filters: (n) => ({ project: [pick(n, projects)] }) },
  { name: "source", filters: (n) => ({ source: [pick(n, sources)[0]] }) },
  { name: "trigger", filters: (n) => ({ trigger: [pick(n, sources)[1]] }) },
  { name: "actor", filters: (n) => ({ actor: [`user-${Math.floor(n() * 1000)}`] }) },
  { name: "model", filters: (n) => ({ model: [pick(n, models)] }) },
  { name: "service", filters: (n) => ({ service: [pick(n, services)] }) },
  { name: "agent/workflow slug", filters: (n) => ({ slug: [pick(n, slugs)] }) },
  { name: "cost range", filters: (n) => ({ costMin: Number((n() * 0.3).toFixed(3)), costMax: 0.5 }) },
  { name: "cost above (rare)", filters: () => ({ costMin: 0.49 }) },
  { name: "message count range", filters: (n) => ({ messagesMin: 1 + Math.floor(n() * 5), messagesMax: 6 }) },
  { name: "step count range", filters: (n) => ({ stepsMin: 1 + Math.floor(n() * 4) }) },
  {
    name: "time range (1 day)",
    filters: (n) => {
      const from = T0 + Math.floor(n() * 89) * 86_400_000;
      return { from, to: from + 86_400_000 };
    },
  },
  {
    name: "status + kind + time",
    filters: (n) => {
      const from = T0 + Math.floor(n() * 80) * 86_400_000;
      return { status: ["failed"], kind: ["agent"], from, to: from + 7 * 86_400_000 };
    },
  },
  { name: "two statuses (saved view)", filters: () => ({ status: ["running", "queued"] }) },
  { name: "search: common word", filters: (n) => ({ search: pick(n, ["order", "refund", "account"]) }) },
  { name: "search: rare word", filters: (n) => ({ search: pick(n, ["kangaroo", "zeppelin", "nebula", "origami"]) }) },
  {
    name: "search: two words",
    filters: (n) => ({ search: `${pick(n, ["order", "refund"])} ${pick(n, ["tracking", "coupon", "battery"])}` }),
  },
  { name: "search: phrase", filters: () => ({ search: '"order refund"' }) },
  { name: "search: prefix", filters: (n) => ({ search: `${pick(n, ["subscr", "deliv", "passw"])}*` }) },
  { name: "search + status", filters: (n) => ({ search: pick(n, ["refund", "kangaroo"]), status: ["failed"] }) },
];

async function measure(store: SqliteRunStore, filters: (n: () => number) => RunFilter): Promise<number[]> {
  const next = random(99);
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const filter = filters(next);
    const first = await timeAsync(() => store.listRuns(filter, { limit: 50 }));
    samples.push(first.ms);
    if (first.value.nextCursor) {
      const cursor = first.value.nextCursor;
      samples.push((await timeAsync(() => store.listRuns(filter, { limit: 50, cursor }))).ms);
    }
  }
  return samples;
}

/** The cached million-run store's file, built first when missing (or stale for the schema). */
export async function millionRunStore(): Promise<{ path: string; runs: number }> {
  const dir = join(import.meta.dirname, ".cache");
  mkdirSync(dir, { recursive: true });
  const schema = createHash("sha256")
    .update(migrations.map((m) => m.sql).join(";"))
    .digest("hex")
    .slice(0, 12);
  const path = join(dir, `history-${RUNS}-${schema}.db`);
  if (!existsSync(path)) await buildStore(path);
  return { path, runs: RUNS };
}

export async function benchHistoryQueries(): Promise<void> {
  heading(
    `History queries: listRuns over ${RUNS.toLocaleString("en-US")} runs, pages of 50, ${SAMPLES} filters each (first and second page)`,
  );
  const store = openSqliteStore((await millionRunStore()).path);
  try {
    const rows: string[][] = [["query", "p50", "p95", "max", "target p95"]];
    const baseline = await measure(store, () => ({}));
    rows.push([
      "no filter, newest first (baseline)",
      ms(percentile(baseline, 50)),
      ms(percentile(baseline, 95)),
      ms(Math.max(...baseline)),
      "",
    ]);
    for (const c of cases) {
      progress(`measuring ${c.name}`);
      const samples = await measure(store, c.filters);
      const target = c.name.startsWith("search") ? "≤ 200 ms" : "≤ 50 ms";
      rows.push([c.name, ms(percentile(samples, 50)), ms(percentile(samples, 95)), ms(Math.max(...samples)), target]);
    }
    progressDone();
    table(rows);
  } finally {
    await store.close();
  }
}
