/**
 * The queries of the PostgreSQL benchmark: one case per RunFilter field, alone and combined, and
 * searches, each sampled on both stores with the same filters, the stores taking turns. A History
 * case times the first page and a deep page (its cursor at a random older time); a search times
 * its first and next page. Every page is compared between the stores as it is timed.
 */
import { encodeCursor, type RunFilter, type RunPage } from "@keystroke/core";
import type { RunStore } from "@keystroke/store";
import { pick, random } from "./data.js";
import {
  ACTORS,
  agentSlugs,
  DAY,
  models,
  projects,
  rareWords,
  SPAN_DAYS,
  services,
  sources,
  T0,
  workflowSlugs,
} from "./pg-history-data.js";
import { ms, percentile, timeAsync } from "./report.js";

const HISTORY_GOAL = 50;
const SEARCH_GOAL = 200;

/** Values read off the loaded runs, for filters that name one run or session. */
export interface Picked {
  sessions: string[];
  parents: string[];
}

export interface Case {
  name: string;
  filter: (next: () => number) => RunFilter;
  /**
   * History: the time a deep page's cursor stands at (by default a random time between a tenth and
   * four fifths of the way through the History), or false for lists too short to have one.
   */
  deep?: ((next: () => number, filter: RunFilter) => number) | false;
  search?: boolean;
}

const anyTime = (next: () => number) => T0 + Math.floor((0.1 + 0.7 * next()) * SPAN_DAYS * DAY);
const within = (next: () => number, filter: RunFilter) =>
  (filter.from ?? T0) + Math.floor(next() * ((filter.to ?? T0) - (filter.from ?? T0)));
const day = (next: () => number, days: number) => {
  const from = T0 + Math.floor(next() * (SPAN_DAYS - days)) * DAY;
  return { from, to: from + days * DAY };
};
const someStatus = (next: () => number) => pick(next, ["success", "failed", "canceled", "running", "queued"] as const);

export function cases(picked: Picked): Case[] {
  const history: Case[] = [
    { name: "no filter", filter: () => ({}) },
    { name: "status", filter: (n) => ({ status: [someStatus(n)] }) },
    { name: "two statuses (running, queued)", filter: () => ({ status: ["running", "queued"] }) },
    { name: "kind", filter: (n) => ({ kind: [pick(n, ["agent", "workflow"] as const)] }) },
    { name: "project", filter: (n) => ({ project: [pick(n, projects)] }) },
    { name: "source", filter: (n) => ({ source: [pick(n, sources)[0]] }) },
    { name: "trigger", filter: (n) => ({ trigger: [pick(n, sources)[1]] }) },
    { name: "actor", filter: (n) => ({ actor: [`user-${Math.floor(n() * ACTORS)}`] }) },
    { name: "model", filter: (n) => ({ model: [pick(n, models)] }) },
    { name: "service", filter: (n) => ({ service: [pick(n, services)] }) },
    { name: "slug (agent or workflow)", filter: (n) => ({ slug: [pick(n, n() < 0.5 ? agentSlugs : workflowSlugs)] }) },
    { name: "session id", filter: (n) => ({ sessionId: pick(n, picked.sessions) }), deep: false },
    { name: "parent run", filter: (n) => ({ parentRunId: pick(n, picked.parents) }), deep: false },
    { name: "cost range", filter: (n) => ({ costMin: Number((n() * 0.3).toFixed(3)), costMax: 0.5 }) },
    { name: "cost above 0.45 (rare)", filter: () => ({ costMin: 0.45 }) },
    { name: "message count range", filter: (n) => ({ messagesMin: 1 + Math.floor(n() * 5), messagesMax: 6 }) },
    { name: "step count range", filter: (n) => ({ stepsMin: 1 + Math.floor(n() * 4), stepsMax: 5 }) },
    { name: "time range (1 day)", filter: (n) => day(n, 1), deep: within },
    {
      name: "status + kind + time (7 days)",
      filter: (n) => ({ status: ["failed"], kind: ["agent"], ...day(n, 7) }),
      deep: within,
    },
    {
      name: "project + status + slug",
      filter: (n) => ({
        project: [pick(n, projects)],
        status: [someStatus(n)],
        slug: [pick(n, agentSlugs.slice(0, 8))],
      }),
    },
    { name: "model + status", filter: (n) => ({ model: [pick(n, models)], status: [someStatus(n)] }) },
    {
      name: "project + actor",
      filter: (n) => ({ project: [pick(n, projects)], actor: [`user-${Math.floor(n() * ACTORS)}`] }),
    },
  ];
  const search: Case[] = [
    { name: "search: common word", filter: (n) => ({ search: pick(n, ["order", "refund", "account"]) }) },
    {
      name: "search: uncommon word (15% of runs)",
      filter: (n) => ({ search: pick(n, ["kangaroo", "nebula", "origami"]) }),
    },
    {
      name: "search: rare word (0.025% of runs)",
      filter: (n) => ({ search: pick(n, rareWords) }),
    },
    { name: "search: no match", filter: () => ({ search: "xylograph" }) },
    { name: "search: phrase", filter: () => ({ search: '"order refund"' }) },
    {
      name: "search: two words",
      filter: (n) => ({ search: `${pick(n, ["order", "refund"])} ${pick(n, ["tracking", "coupon"])}` }),
    },
    { name: "search: prefix", filter: (n) => ({ search: `${pick(n, ["subscr", "deliv", "passw"])}*` }) },
    { name: "search + status", filter: (n) => ({ search: pick(n, ["refund", "kangaroo"]), status: ["failed"] }) },
    {
      name: "search + project",
      filter: (n) => ({ search: pick(n, ["order", "nebula"]), project: [pick(n, projects)] }),
    },
    {
      name: "search (rare word) + status",
      filter: (n) => ({ search: pick(n, rareWords), status: ["success"] }),
    },
  ];
  return [...history, ...search.map((c) => ({ ...c, search: true }))];
}

interface Timings {
  first: number[];
  later: number[];
}

export interface Measured {
  postgres: Timings;
  sqlite: Timings;
  /** Runs on each page PostgreSQL served. */
  runs: Timings;
  differing: number;
}

async function timed(store: RunStore, filter: RunFilter, cursor?: string): Promise<{ page: RunPage; ms: number }> {
  const { value, ms } = await timeAsync(() => store.listRuns(filter, cursor === undefined ? {} : { cursor }));
  return { page: value, ms };
}

const ids = (page: RunPage) => page.runs.map((run) => run.runId).join();

/** Samples one case on both stores, same filters, the stores taking turns. */
export async function measure(
  c: Case,
  postgres: RunStore,
  sqlite: RunStore,
  samples: number,
  budgetMs: number,
): Promise<Measured> {
  const next = random(99);
  const out: Measured = {
    postgres: { first: [], later: [] },
    sqlite: { first: [], later: [] },
    runs: { first: [], later: [] },
    differing: 0,
  };
  const started = performance.now();
  for (let s = 0; s < samples && performance.now() - started < budgetMs; s++) {
    const filter = c.filter(next);
    const a = await timed(postgres, filter);
    const b = await timed(sqlite, filter);
    out.postgres.first.push(a.ms);
    out.sqlite.first.push(b.ms);
    out.runs.first.push(a.page.runs.length);
    if (ids(a.page) !== ids(b.page)) out.differing++;
    if (c.search) {
      if (a.page.nextCursor && b.page.nextCursor) {
        const a2 = await timed(postgres, filter, a.page.nextCursor);
        const b2 = await timed(sqlite, filter, b.page.nextCursor);
        out.postgres.later.push(a2.ms);
        out.sqlite.later.push(b2.ms);
        out.runs.later.push(a2.page.runs.length);
        if (ids(a2.page) !== ids(b2.page)) out.differing++;
      }
    } else if (c.deep !== false) {
      const cursor = encodeCursor({ time: (c.deep ?? anyTime)(next, filter), runId: "" });
      const a2 = await timed(postgres, filter, cursor);
      const b2 = await timed(sqlite, filter, cursor);
      out.postgres.later.push(a2.ms);
      out.sqlite.later.push(b2.ms);
      out.runs.later.push(a2.page.runs.length);
      if (ids(a2.page) !== ids(b2.page)) out.differing++;
    }
  }
  return out;
}

/** The header of the figures table. */
export const figureHeader = [
  "query",
  "page",
  "n",
  "runs/page",
  "PostgreSQL p50",
  "PostgreSQL p95",
  "SQLite p50",
  "SQLite p95",
  "goal (PostgreSQL p95)",
];

/** The table rows of one measured case: its first page, and its deep or next page. */
export function figureRows(c: Case, m: Measured): string[][] {
  const goal = c.search ? SEARCH_GOAL : HISTORY_GOAL;
  const row = (page: string, pgSamples: number[], sqliteSamples: number[], runs: number[]) => {
    const p95 = percentile(pgSamples, 95);
    return [
      c.name,
      page,
      String(pgSamples.length),
      (runs.reduce((a, b) => a + b, 0) / Math.max(1, runs.length)).toFixed(0),
      ms(percentile(pgSamples, 50)),
      ms(p95),
      ms(percentile(sqliteSamples, 50)),
      ms(percentile(sqliteSamples, 95)),
      `≤ ${goal} ms ${p95 <= goal ? "met" : "MISSED"}`,
    ];
  };
  const rows = [row("first", m.postgres.first, m.sqlite.first, m.runs.first)];
  if (m.postgres.later.length > 0) {
    rows.push(row(c.search ? "next" : "deep", m.postgres.later, m.sqlite.later, m.runs.later));
  }
  return rows;
}
