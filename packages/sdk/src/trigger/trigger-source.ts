/**
 * The shapes shared by the three trigger sources and their attachments. A source describes when
 * something happens (a schedule, a webhook request, a poll); an attachment ties it to the one
 * workflow or agent that each delivery starts. The server reads these plain objects: it owns the
 * clock, the HTTP route and the poll loop, so definitions stay free of I/O.
 */
import { KeystrokeError } from "@keystroke/core";
import type { z } from "zod";
import { type Agent, isAgent } from "../agent/define-agent.js";
import { isWorkflow, type Workflow } from "../workflow/define-workflow.js";

export const triggerSourceBrand = Symbol.for("keystroke.trigger-source");
export const attachmentBrand = Symbol.for("keystroke.trigger-attachment");

export type TriggerKind = "cron" | "webhook" | "poll";

/** What a tick that comes while the previous run of the attachment is active does. */
export type Overlap = "skip" | "queue";

/** Start a workflow run with each delivery; `transform` maps the payload to its input. */
export interface WorkflowAttachOptions<P> {
  workflow: Workflow;
  transform?: (payload: P) => unknown;
  overlap?: Overlap;
}

/** Prompt an agent (a new session) with each delivery; `prompt` writes the message. */
export interface AgentAttachOptions<P> {
  agent: Agent;
  prompt: (payload: P) => string;
  overlap?: Overlap;
}

export type AttachOptions<P> = WorkflowAttachOptions<P> | AgentAttachOptions<P>;

/** A source tied to one target: what `src/triggers/*.ts` files export. */
export interface TriggerAttachment<P = unknown> {
  readonly [attachmentBrand]: true;
  /** `${source.slug}:${target.slug}` */
  id: string;
  source: TriggerSource<P>;
  target: { kind: "workflow"; workflow: Workflow } | { kind: "agent"; agent: Agent };
  overlap: Overlap;
  /** The workflow's input for a payload (the payload itself without a transform). */
  transform?: (payload: P) => unknown;
  /** The agent's message for a payload. */
  prompt?: (payload: P) => string;
}

interface SourceBase<P> {
  readonly [triggerSourceBrand]: true;
  slug: string;
  name: string;
  description: string;
  /** Ties this source to a workflow or an agent. */
  attach(options: AttachOptions<P>): TriggerAttachment<P>;
}

export interface CronSource<P = unknown> extends SourceBase<P> {
  kind: "cron";
  /** A 5- or 6-field cron expression (seconds first when 6). */
  schedule: string;
  /** An IANA time zone, e.g. `Europe/Paris`; the server's zone when absent. */
  timezone?: string;
  /** What each tick delivers; `{}` when absent. */
  payload: P;
}

export interface WebhookSource<P = unknown> extends SourceBase<P> {
  kind: "webhook";
  /** The path under `/api/triggers`, e.g. `/orders`. */
  endpoint: string;
  /** The body's schema; `payload` is its output. */
  request: z.ZodType;
  filter?: (payload: P) => boolean;
  /** When set, requests must carry a valid `X-Keystroke-Signature`. */
  secret?: string;
}

export interface PollContext<S> {
  /** What the last committed tick left with setState; undefined on the first tick. */
  state: S | undefined;
  /** Saves the state once the runs of this tick exist. */
  setState(state: S): void;
}

export interface PollSource<P = unknown, S = unknown> extends SourceBase<P> {
  kind: "poll";
  /** A cron expression or a duration such as `"5m"`. */
  schedule: string;
  run(context: PollContext<S>): Promise<P[]> | P[];
  filter?: (item: P) => boolean;
  /** The state of the very first tick. */
  state?: S;
}

export type TriggerSource<P = unknown> = CronSource<P> | WebhookSource<P> | PollSource<P>;

/** True when `value` was made by `source.attach()` (in any copy of this package). */
export function isTriggerAttachment(value: unknown): value is TriggerAttachment {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[attachmentBrand] === true;
}

/** Builds `attach` for a source: checks the target and the callbacks, names the bad field. */
export function attacher<P>(source: () => TriggerSource<P>): (options: AttachOptions<P>) => TriggerAttachment<P> {
  return (options) => {
    const self = source();
    const fail = (field: string, message: string, hint?: string) =>
      new KeystrokeError("invalid_input", `Trigger "${self.slug}" attach(): ${message}`, {
        ...(hint ? { hint } : {}),
        details: { field },
      });
    const overlap = options?.overlap ?? "skip";
    if (overlap !== "skip" && overlap !== "queue") throw fail("overlap", 'overlap must be "skip" or "queue"');
    if (options && "workflow" in options && options.workflow !== undefined) {
      if (!isWorkflow(options.workflow)) {
        throw fail("workflow", "workflow is not a value made by defineWorkflow", "Import the workflow and pass it");
      }
      if (options.transform !== undefined && typeof options.transform !== "function") {
        throw fail("transform", "transform must be a function (payload) => input");
      }
      return {
        [attachmentBrand]: true,
        id: `${self.slug}:${options.workflow.slug}`,
        source: self,
        target: { kind: "workflow", workflow: options.workflow },
        overlap,
        ...(options.transform ? { transform: options.transform } : {}),
      };
    }
    if (options && "agent" in options && options.agent !== undefined) {
      if (!isAgent(options.agent)) throw fail("agent", "agent is not a value made by defineAgent");
      if (typeof options.prompt !== "function") {
        throw fail("prompt", "an agent attachment needs prompt: (payload) => message", "e.g. prompt: (p) => p.text");
      }
      return {
        [attachmentBrand]: true,
        id: `${self.slug}:${options.agent.slug}`,
        source: self,
        target: { kind: "agent", agent: options.agent },
        overlap,
        prompt: options.prompt,
      };
    }
    throw fail("workflow", "give { workflow } or { agent, prompt }");
  };
}
