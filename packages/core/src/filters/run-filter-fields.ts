/**
 * The RunFilter fields, listed once. Each entry says how the field is validated, what it is
 * called in a URL and on the command line, and how it is described to a reader. The schema and
 * parser (run-filter.ts), the CLI's filter flags and the web page's URL state are all built from
 * this table, so a new filter is one entry here plus its store query.
 */
import { z } from "zod";
import { runStatuses } from "../catalog/statuses.js";
import { runKinds, runSources } from "../events/run-events.js";

/** How a field's value is written: a list (repeat or comma-separate), a number, a time, or text. */
export type RunFilterFieldType = "list" | "number" | "time" | "text";

/** One RunFilter field as every reader of a filter sees it. */
export interface RunFilterField {
  type: RunFilterFieldType;
  /** What a person calls it: the web filter's label. */
  label: string;
  /** The URL query parameter (`GET /api/history`, the web page's URL). */
  param: string;
  /** The CLI's long flag, without the dashes. */
  flag: string;
  /** One line of help, shown by the CLI (a list field's reads after "filter by"). */
  help: string;
  /** The values a list field allows, when it allows only some. */
  values?: readonly string[];
  /** A valid value as a person would type it in a URL or on the command line. */
  example: string;
  /** How the value is checked once read (every field is optional in a filter). */
  schema: z.ZodType;
}

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(100).optional();
const count = z.number().int().nonnegative().optional();
const cost = z.number().nonnegative().optional();
const time = z.number().int().optional();

/**
 * Every RunFilter field, keyed by its name in a RunFilter.
 *
 * @example
 * runFilterFields.search.param; // "q"
 * runFilterFields.from.flag; // "since"
 */
export const runFilterFields = {
  kind: {
    type: "list",
    label: "Type",
    param: "kind",
    flag: "kind",
    help: `run type: ${runKinds.join(", ")}`,
    values: runKinds,
    example: "agent",
    schema: list(z.enum(runKinds)),
  },
  status: {
    type: "list",
    label: "Status",
    param: "status",
    flag: "status",
    help: `status: ${runStatuses.join(", ")}`,
    values: runStatuses,
    example: "failed,canceled",
    schema: list(z.enum(runStatuses)),
  },
  project: {
    type: "list",
    label: "Project",
    param: "project",
    flag: "project",
    help: "project slug",
    example: "starter",
    schema: list(z.string().min(1).max(200)),
  },
  source: {
    type: "list",
    label: "Source",
    param: "source",
    flag: "source",
    help: `source: ${runSources.join(", ")}`,
    values: runSources,
    example: "cli",
    schema: list(z.enum(runSources)),
  },
  trigger: {
    type: "list",
    label: "Trigger",
    param: "trigger",
    flag: "trigger",
    help: 'readable trigger label, e.g. "CLI prompt"',
    example: "CLI prompt",
    schema: list(z.string().min(1).max(500)),
  },
  actor: {
    type: "list",
    label: "Actor",
    param: "actor",
    flag: "actor",
    help: "actor id",
    example: "user_1",
    schema: list(z.string().min(1).max(500)),
  },
  model: {
    type: "list",
    label: "Model",
    param: "model",
    flag: "model",
    help: "model, e.g. anthropic/claude-sonnet-4.6",
    example: "anthropic/claude-sonnet-4.6",
    schema: list(z.string().min(1).max(500)),
  },
  service: {
    type: "list",
    label: "Service",
    param: "service",
    flag: "service",
    help: "other service used",
    example: "stripe",
    schema: list(z.string().min(1).max(200)),
  },
  slug: {
    type: "list",
    label: "Agent or workflow",
    param: "slug",
    flag: "slug",
    help: "agent or workflow slug",
    example: "support",
    schema: list(z.string().min(1).max(200)),
  },
  sessionId: {
    type: "text",
    label: "Session",
    param: "sessionId",
    flag: "session-id",
    help: "runs of this session id",
    example: "ses_01KB0000000000000000000000",
    schema: z.string().min(1).max(500).optional(),
  },
  parentRunId: {
    type: "text",
    label: "Parent run",
    param: "parentRunId",
    flag: "parent-run-id",
    help: "runs started by this parent run (subagents, workflow steps)",
    example: "run_01KB0000000000000000000000",
    schema: z.string().min(1).max(200).optional(),
  },
  costMin: {
    type: "number",
    label: "Cost at least ($)",
    param: "costMin",
    flag: "cost-min",
    help: "runs costing at least this many US dollars",
    example: "0.5",
    schema: cost,
  },
  costMax: {
    type: "number",
    label: "Cost at most ($)",
    param: "costMax",
    flag: "cost-max",
    help: "runs costing at most this many US dollars",
    example: "2",
    schema: cost,
  },
  messagesMin: {
    type: "number",
    label: "Messages at least",
    param: "messagesMin",
    flag: "messages-min",
    help: "runs with at least this many messages",
    example: "2",
    schema: count,
  },
  messagesMax: {
    type: "number",
    label: "Messages at most",
    param: "messagesMax",
    flag: "messages-max",
    help: "runs with at most this many messages",
    example: "40",
    schema: count,
  },
  stepsMin: {
    type: "number",
    label: "Steps at least",
    param: "stepsMin",
    flag: "steps-min",
    help: "runs with at least this many steps",
    example: "1",
    schema: count,
  },
  stepsMax: {
    type: "number",
    label: "Steps at most",
    param: "stepsMax",
    flag: "steps-max",
    help: "runs with at most this many steps",
    example: "10",
    schema: count,
  },
  from: {
    type: "time",
    label: "From",
    param: "from",
    flag: "since",
    help: "runs triggered since a period back (30m, 24h, 7d) or an ISO 8601 time",
    example: "2026-11-28T10:00:00Z",
    schema: time,
  },
  to: {
    type: "time",
    label: "To",
    param: "to",
    flag: "until",
    help: "runs triggered before a period back (30m, 24h, 7d) or an ISO 8601 time",
    example: "2026-11-29T10:00:00Z",
    schema: time,
  },
  search: {
    type: "text",
    label: "Search",
    param: "q",
    flag: "search",
    help: "full-text search over message text",
    example: "refund",
    schema: z.string().min(1).max(500).optional(),
  },
} as const satisfies Record<string, RunFilterField>;

/** The name of a RunFilter field. */
export type RunFilterFieldName = keyof typeof runFilterFields;

/** The catalog as a list, in its order. */
export const runFilterFieldList = Object.entries(runFilterFields).map(([name, field]) => ({
  name: name as RunFilterFieldName,
  ...(field as RunFilterField),
}));
