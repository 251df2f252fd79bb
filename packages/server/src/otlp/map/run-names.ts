/**
 * The name of an OTLP run, and renaming it when a better one arrives. The first request of a
 * session often holds only the library's model-call spans, which name no agent, so the run is
 * first named after the sending service; the agent's own name (`gen_ai.agent.name` and the like,
 * or the agent span at the root of the trace) usually comes later, with the root span. Names are
 * ranked, and a run named by a lower rank is renamed (`run.renamed`) once a higher one is seen.
 */
import type { RunEvent } from "@keystroke/core";
import { AiSdk, GenAI, OpenInference, toIso } from "@keystroke/core";
import { stringAt } from "./attribute-values.js";
import { BoundedMap } from "./bounded-map.js";
import { earliest, isRoot, type Trace } from "./run-batch.js";
import { shortHash, slugify } from "./run-identity.js";

/** 2: an agent-name attribute; 1: the agent span at a trace's root; 0: the service. */
export type NameRank = 0 | 1 | 2;

export interface RunName {
  name: string;
  rank: NameRank;
  /** When the spans that gave the name began (the rename's time). */
  at: number;
}

const agentNameKeys = [GenAI.agentName, AiSdk.functionId, OpenInference.agentName] as const;

/**
 * The best name the traces give.
 *
 * @example
 * runName([trace]) // { name: "trip-planner", rank: 2, at: 1764320400000 }
 */
export function runName(traces: readonly Trace[]): RunName {
  const at = traces.reduce((min, trace) => Math.min(min, earliest(trace) || min), Number.POSITIVE_INFINITY);
  const named = (name: string, rank: NameRank): RunName => ({
    name: name.slice(0, 500),
    rank,
    at: Number.isFinite(at) ? at : Date.now(),
  });
  const spans = traces.flatMap((t) => t.spans);
  // Agent spans first: a model call may carry the name of the agent that made it, or another's.
  for (const agentsOnly of [true, false]) {
    for (const { span, role } of spans) {
      if (agentsOnly && role !== "agent") continue;
      const name = stringAt(span.attributes, ...agentNameKeys);
      if (name !== undefined) return named(name, 2);
    }
  }
  for (const { span, role } of spans) {
    if (role !== "agent" || !isRoot(span)) continue;
    const name = span.name.replace(/^invoke_agent\s*/, "").trim();
    if (name !== "") return named(name, 1);
  }
  for (const trace of traces) {
    for (const log of trace.logs) {
      const name = stringAt(log.attributes, ...agentNameKeys);
      if (name !== undefined) return named(name, 2);
    }
  }
  const resource = spans[0]?.span.resource ?? traces.find((t) => t.logs.length > 0)?.logs[0]?.resource ?? {};
  return named(stringAt(resource, "service.name") ?? "OpenTelemetry agent", 0);
}

/**
 * The rank of the name each recent run was given, to rename it when a better name shows up.
 * A run not remembered is taken to be new: its `run.created` carries the batch's name.
 */
export class RunNames {
  private readonly ranks: BoundedMap<NameRank>;

  constructor(max: number) {
    this.ranks = new BoundedMap(max);
  }

  /** The `run.renamed` a batch of `runId` named `name` needs, if any, with how to take it back. */
  rename(runId: string, name: RunName): { event: RunEvent; undo: () => void } | undefined {
    const rank = this.ranks.get(runId);
    if (rank !== undefined && rank >= name.rank) return undefined;
    this.ranks.set(runId, name.rank);
    if (rank === undefined) return undefined;
    const slug = slugify(name.name);
    return {
      event: {
        eventId: `otlp:n:${shortHash(slug, name.name)}`,
        type: "run.renamed",
        time: toIso(name.at),
        slug,
        name: name.name,
      },
      undo: () => this.ranks.set(runId, rank),
    };
  }
}
