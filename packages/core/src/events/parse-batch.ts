import type { z } from "zod";
import { KeystrokeError } from "../errors/keystroke-error.js";
import { MAX_NESTING_DEPTH, tooDeepPath } from "./nesting-depth.js";
import { type IngestBatch, ingestBatchSchema, runEventTypes } from "./run-events.js";

export interface FieldProblem {
  /** Where the problem is, e.g. `events[3].usage.inputTokens`. */
  path: string;
  message: string;
}

/** `["events", 3, "type"]` → `events[3].type`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || "(body)";
}

export function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === "invalid_union" && path.endsWith(".type")) {
      return { path, message: `unknown event type; expected one of ${runEventTypes.join(", ")}` };
    }
    return { path, message: issue.message };
  });
}

function invalid(problems: FieldProblem[]): KeystrokeError {
  const first = problems[0] ?? { path: "(body)", message: "invalid" };
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
  return new KeystrokeError("invalid_input", `Invalid ingest batch: ${first.path}: ${first.message}${more}`, {
    hint: 'Send { "runId": "run_…", "events": [ { "eventId", "type", "time", … } ] }; see GET /api/openapi.json',
    details: { problems },
  });
}

/** Path segments a too-deep problem shows before `…`: enough to name the field. */
const SHOWN_SEGMENTS = 8;

function tooDeep(body: unknown): FieldProblem | undefined {
  const path = tooDeepPath(body, MAX_NESTING_DEPTH);
  if (path === undefined) return undefined;
  const shown = path.length > SHOWN_SEGMENTS ? `${formatPath(path.slice(0, SHOWN_SEGMENTS))}…` : formatPath(path);
  return { path: shown, message: `nested deeper than ${MAX_NESTING_DEPTH} levels of arrays and objects` };
}

/**
 * Validates one ingest batch: the shape of every event, nesting no deeper than
 * MAX_NESTING_DEPTH, and that every event belongs to one run. Throws `invalid_input` naming the
 * event index and field of each problem.
 */
export function parseIngestBatch(body: unknown): IngestBatch {
  const deep = tooDeep(body);
  if (deep) throw invalid([deep]);
  const parsed = ingestBatchSchema.safeParse(body);
  if (!parsed.success) throw invalid(zodProblems(parsed.error));
  const { events } = parsed.data;
  const runId = parsed.data.runId ?? events.find((event) => event.runId !== undefined)?.runId;
  if (runId === undefined) {
    throw invalid([{ path: "runId", message: "missing; name the run on the batch or on its events" }]);
  }
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  events.forEach((event, index) => {
    if (event.runId !== undefined && event.runId !== runId) {
      problems.push({
        path: `events[${index}].runId`,
        message: `belongs to ${event.runId}, but this batch is for ${runId}; send one batch per run`,
      });
    }
    if (seen.has(event.eventId)) {
      problems.push({ path: `events[${index}].eventId`, message: `duplicate of an earlier event in this batch` });
    }
    seen.add(event.eventId);
  });
  if (problems.length > 0) throw invalid(problems);
  return { runId, events };
}
