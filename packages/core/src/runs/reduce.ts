/**
 * The reducer: folds one stored event into a run's detail (the History row plus payloads).
 * Pure and synchronous; the store calls it inside the append transaction so rollups are
 * never computed by scanning at read time.
 */

import type { RunDetail } from "../api/run-summary.js";
import { statusCatalog } from "../catalog/statuses.js";
import { KeystrokeError } from "../errors/keystroke-error.js";
import type { ErrorPayload } from "../events/parts.js";
import type { ModelCall, StoredEvent } from "../events/run-events.js";
import { toMillis } from "../events/time.js";
import { emptyTokens } from "./run-summary.js";

const ERROR_SUMMARY_MAX = 300;

export function summarizeError(error: ErrorPayload): string {
  const firstLine = (error.message.split("\n", 1)[0] ?? "").trim() || error.name || "Error";
  const text = error.name && !firstLine.startsWith(error.name) ? `${error.name}: ${firstLine}` : firstLine;
  return text.length > ERROR_SUMMARY_MAX ? `${text.slice(0, ERROR_SUMMARY_MAX - 1)}…` : text;
}

/** `provider/model`, unless the model id already names its vendor. */
export function modelLabel(provider: string, model: string): string {
  return model.includes("/") ? model : `${provider}/${model}`;
}

function addUnique(list: string[], value: string): string[] {
  return list.includes(value) ? list : [...list, value];
}

function duration(run: RunDetail): number | null {
  if (run.startedAt === null || run.finishedAt === null) return null;
  return Math.max(0, toMillis(run.finishedAt) - toMillis(run.startedAt));
}

/** Running (again): a follow-up prompt clears the previous turn's finish and error. */
function reopen(run: RunDetail, time: string): void {
  run.status = "running";
  run.startedAt ??= time;
  run.finishedAt = null;
  run.durationMs = null;
  run.error = null;
  run.errorSummary = null;
}

function finish(run: RunDetail, time: string): void {
  run.startedAt ??= time;
  run.finishedAt = time;
  run.durationMs = duration(run);
}

/** Creates the detail of a new run from its `run.created` event. */
function create(event: Extract<StoredEvent, { type: "run.created" }>): RunDetail {
  return {
    runId: event.runId,
    kind: event.kind,
    slug: event.slug,
    name: event.name,
    status: event.status,
    project: event.project,
    sessionId: event.sessionId ?? null,
    source: event.source,
    trigger: event.trigger.label,
    triggerValue: event.trigger.value ?? null,
    actor: event.actor,
    parentRunId: event.parent?.runId ?? null,
    parentToolCallId: event.parent?.toolCallId ?? null,
    parentStepId: event.parent?.stepId ?? null,
    triggeredAt: event.time,
    queuedAt: event.status === "queued" ? event.time : null,
    startedAt: event.status === "running" ? event.time : null,
    finishedAt: null,
    durationMs: null,
    models: [],
    services: [],
    tokens: emptyTokens(),
    totalCost: 0,
    messageCount: 0,
    stepCount: 0,
    errorSummary: null,
    lastSeq: event.seq,
    updatedAt: event.time,
    input: event.input ?? null,
    output: null,
    error: null,
    childRunIds: [],
    wait: null,
  };
}

/**
 * Folds `event` into `run`. `run` is undefined only before the run exists, and then the event
 * must be `run.created`. Returns a new object; the input is not changed.
 */
export function reduceRun(run: FoldedRun | undefined, event: StoredEvent): FoldedRun {
  if (run === undefined) {
    if (event.type !== "run.created") {
      throw new KeystrokeError(
        "invalid_input",
        `Run ${event.runId} does not exist yet; its first event must be run.created`,
        {
          hint: "Send run.created in the first batch of a run",
          details: { runId: event.runId, type: event.type },
        },
      );
    }
    return create(event);
  }
  const next: FoldedRun = { ...run };
  applyEvent(next, event);
  return next;
}

/** Folds one model call (a `model.called`, or a span's `model`) into the run's rollups. */
function addModelCall(next: RunDetail, call: ModelCall): void {
  next.models = addUnique(next.models, modelLabel(call.provider, call.model));
  // An agent's steps are its model calls; a workflow counts its own steps.
  if (next.kind === "agent") next.stepCount += 1;
  const u = call.usage;
  next.tokens = {
    input: next.tokens.input + u.inputTokens,
    output: next.tokens.output + u.outputTokens,
    cacheRead: next.tokens.cacheRead + u.cacheReadTokens,
    cacheWrite: next.tokens.cacheWrite + u.cacheWriteTokens,
    reasoning: next.tokens.reasoning + u.reasoningTokens,
  };
  if (call.cost !== undefined) next.totalCost += call.cost;
}

/**
 * The trigger label of the runs the OTLP receiver records: sessions whose turns are the app's
 * traces, each opened by `run.started` and closed by its root's `run.finished`, stamped by the
 * app's clock and delivered in whatever order its exporters manage (LateTurns).
 */
export const OTLP_TRIGGER = "OpenTelemetry";

/** How a finished run stood: what the turns delivered late put back once they have ended (LateTurns). */
type RunEnd = Pick<RunDetail, "status" | "finishedAt" | "output" | "error" | "errorSummary">;

/**
 * Turns of an OpenTelemetry session (OTLP_TRIGGER) delivered late, still open. A turn comes late
 * when an exporter retries its request after sending the turns that followed it (the server was
 * restarting): it starts before the finished run's end. Its `run.started` reopens the run (which starts at its earliest turn);
 * once it and every other late turn open with it have ended, the run ends as the turn that ended
 * last left it (status, end, output, error), so a run ends with its latest turn, not with the one
 * that arrived last. Likewise a finished run keeps its end when the end of a turn that ended
 * before it comes (a late root whose turn's `run.started` was written in time, or a trace's second
 * root). Times are the producers': an app whose replicas' clocks differ by more than the time
 * between two turns can have its latest turn taken for a late one.
 */
export interface LateTurns {
  /** The run's end before the first of them reopened it. */
  end: RunEnd;
  /** The turn that ended it (FoldedRun.endTurn). */
  endTurn?: string;
  /** How many have started and not ended. */
  open: number;
}

/**
 * A run as the store folds it: its detail, and what the fold keeps between batches that is never
 * shown (the store keeps it with the run's payloads, and leaves it out of what it reads back):
 * the late turns still open, and, of an OpenTelemetry session, the turn (trace) whose end is the
 * run's, whose other roots may still say its agent's reply.
 */
export type FoldedRun = RunDetail & { lateTurns?: LateTurns; endTurn?: string };

function clearLateTurns(run: FoldedRun): void {
  if (run.lateTurns !== undefined) delete run.lateTurns;
}

function endAs(run: FoldedRun, end: RunEnd, turn: string | undefined): void {
  finish(run, end.finishedAt as string);
  Object.assign(run, end);
  if (turn !== undefined) run.endTurn = turn;
  else if (run.endTurn !== undefined) delete run.endTurn;
}

function endOf(run: RunDetail): RunEnd {
  const { status, finishedAt, output, error, errorSummary } = run;
  return { status, finishedAt, output, error, errorSummary };
}

/**
 * Folds `event` into `next` in place, for a caller that owns `next` (the store folds a whole
 * batch into one copy of the run). Throws, like reduceRun, on a second `run.created`.
 */
export function applyEvent(next: FoldedRun, event: StoredEvent): void {
  next.lastSeq = event.seq;
  next.updatedAt = event.time;
  switch (event.type) {
    case "run.created":
      throw new KeystrokeError("conflict", `Run ${event.runId} already exists`, {
        hint: "Send run.created once per run; a follow-up prompt continues the run with run.status_changed",
        details: { runId: event.runId },
      });
    case "run.started": {
      const turns = next.trigger === OTLP_TRIGGER;
      const finished = statusCatalog[next.status].group === "finished";
      const end = turns ? (next.lateTurns?.end ?? (finished ? endOf(next) : undefined)) : undefined;
      if (end?.finishedAt && toMillis(event.time) < toMillis(end.finishedAt)) {
        const { lateTurns } = next;
        next.lateTurns = {
          end,
          endTurn: lateTurns ? lateTurns.endTurn : next.endTurn,
          open: (lateTurns?.open ?? 0) + 1,
        };
      } else {
        clearLateTurns(next);
      }
      reopen(next, event.time);
      // The session started when its earliest turn did, whichever came first.
      if (turns && toMillis(event.time) < toMillis(next.startedAt as string)) next.startedAt = event.time;
      next.wait = null;
      break;
    }
    case "run.status_changed":
      clearLateTurns(next);
      if (event.status === "running") reopen(next, event.time);
      else if (statusCatalog[event.status].group === "finished") finish(next, event.time);
      else if (event.status !== "queued") next.startedAt ??= event.time;
      next.status = event.status;
      next.wait = event.wait ?? null;
      break;
    case "run.finished": {
      next.wait = null;
      const late = next.lateTurns;
      const ended: RunEnd = {
        status: event.status,
        finishedAt: event.time,
        output: event.output !== undefined ? event.output : next.output,
        error: event.error ?? null,
        errorSummary: event.error ? summarizeError(event.error) : null,
      };
      if (late !== undefined) {
        if (event.turn !== undefined && event.turn === late.endTurn) {
          // Another root of the turn whose end the late turns reopened: its agent's reply, if any,
          // and its end, status and error when it ended later.
          const output = event.output !== undefined ? event.output : late.end.output;
          const later = late.end.finishedAt !== null && toMillis(event.time) > toMillis(late.end.finishedAt);
          next.lateTurns = { ...late, end: later ? { ...ended, output } : { ...late.end, output } };
          break;
        }
        // A turn ended while late turns were open: the run ends with whichever ended last, once
        // none is open.
        const earlier = late.end.finishedAt && toMillis(event.time) <= toMillis(late.end.finishedAt);
        const end = earlier ? late.end : ended;
        const endTurn = earlier ? late.endTurn : event.turn;
        if (late.open > 1) {
          next.lateTurns = { end, endTurn, open: late.open - 1 };
          break;
        }
        clearLateTurns(next);
        endAs(next, end, endTurn);
        break;
      }
      if (
        next.trigger === OTLP_TRIGGER &&
        statusCatalog[next.status].group === "finished" &&
        next.finishedAt !== null &&
        toMillis(event.time) <= toMillis(next.finishedAt)
      ) {
        // The end of a turn that ended before the run did: a late root whose turn began before
        // the others, or another root of the turn that ended the run (a span under another
        // service's remote parent), whose agent's reply, if it says one, is the run's.
        if (event.output !== undefined && event.turn !== undefined && event.turn === next.endTurn) {
          next.output = event.output;
        }
        break;
      }
      endAs(next, ended, next.trigger === OTLP_TRIGGER ? event.turn : undefined);
      break;
    }
    case "run.child_added":
      next.childRunIds = addUnique(next.childRunIds, event.childRunId);
      break;
    case "run.renamed":
      next.slug = event.slug;
      next.name = event.name;
      break;
    case "message.added":
      next.messageCount += 1;
      break;
    case "model.called":
      addModelCall(next, event);
      break;
    case "span.recorded":
      if (event.model !== undefined) addModelCall(next, event.model);
      break;
    case "service.used":
      next.services = addUnique(next.services, event.service);
      break;
    case "step.started":
      if (event.attempt === 1) next.stepCount += 1;
      break;
    case "run.absorbed":
    case "message.part_added":
    case "log.recorded":
    case "step.finished":
    case "value.recorded":
      break;
  }
}
