/**
 * The rows one batch writes, gathered in memory while its events are folded, so that the batch
 * reaches PostgreSQL as one statement (run-writer.ts) instead of a statement per event. It also
 * holds what the batch must know of the run's stored rows — event ids, messages and steps named
 * by its events, the next log and step positions — loaded up front (run-state-loader.ts), so
 * that folding needs no round trip and a refusal can name the exact event.
 */
import { KeystrokeError, type MessagePart, messageText, type StoredEvent, toMillis } from "@keystroke/core";
import { addedOrd } from "../message-order.js";
import type { StoredStep } from "../run-store.js";
import { toTsVector } from "./full-text.js";

/** A message of the run, as stored or as added by this batch. */
export interface MessageState {
  idx: number;
  /** When it was said and its place among the run's events: the conversation's order (message-order.ts). */
  atMs: number;
  ord: number;
  seq: number;
  /** The parts of its `message.added` event. */
  parts: MessagePart[];
  /** Parts added later with `message.part_added`. */
  added: MessagePart[];
  stored: boolean;
  changed: boolean;
  /** Its searchable text changed: the tsvector is computed again. */
  reindex: boolean;
}

export interface StepState {
  ord: number;
  body: StoredStep;
  changed: boolean;
}

export interface EventRow {
  seq: number;
  eventId: string;
  body: string;
}

export class BatchRows {
  readonly knownEventIds = new Set<string>();
  readonly messages = new Map<string, MessageState>();
  readonly steps = new Map<string, StepState>();
  readonly events: EventRow[] = [];
  readonly spans = new Map<string, { startMs: number; seq: number }>();
  readonly logs: { idx: number; seq: number }[] = [];
  /** Undefined until loaded (an existing run) or set to 0 (a new run). */
  nextLogIdx: number | undefined;
  nextStepOrd: number | undefined;

  /**
   * Writes the projection of one event — the conversation, the trace, the steps — before the
   * event is folded into the run. `messageCount` is the run's count before this event.
   */
  project(event: StoredEvent, messageCount: number): void {
    switch (event.type) {
      case "message.added": {
        const { message } = event;
        if (this.messages.has(message.id)) {
          throw new KeystrokeError("conflict", `Message ${message.id} already exists in run ${event.runId}`, {
            hint: "Give every message of a run its own id; add parts to an existing message with message.part_added",
          });
        }
        this.messages.set(message.id, {
          idx: messageCount,
          atMs: toMillis(event.time),
          ord: addedOrd(event.seq),
          seq: event.seq,
          parts: message.parts,
          added: [],
          stored: false,
          changed: true,
          reindex: true,
        });
        return;
      }
      case "message.part_added": {
        const found = this.messages.get(event.messageId);
        if (!found) {
          throw new KeystrokeError("invalid_input", `No message ${event.messageId} in run ${event.runId}`, {
            hint: "Add the message with message.added before adding parts to it",
            details: { field: "messageId" },
          });
        }
        found.added.push(event.part);
        found.changed = true;
        if (event.part.type === "text" || event.part.type === "thought") found.reindex = true;
        return;
      }
      case "span.recorded":
        // A span recorded again (started, then ended) replaces the earlier record.
        this.spans.delete(event.span.spanId);
        this.spans.set(event.span.spanId, { startMs: toMillis(event.span.startTime), seq: event.seq });
        return;
      case "log.recorded":
        this.nextLogIdx ??= 0;
        this.logs.push({ idx: this.nextLogIdx++, seq: event.seq });
        return;
      case "step.started": {
        const body: StoredStep = {
          runId: event.runId,
          stepId: event.stepId,
          name: event.name,
          kind: event.kind,
          attempt: event.attempt,
          childRunId: event.childRunId ?? null,
          status: "running",
          startedAt: event.time,
          finishedAt: null,
          input: event.input ?? null,
          output: null,
          error: null,
        };
        const found = this.steps.get(event.stepId);
        if (found) {
          found.body = body;
          found.changed = true;
        } else {
          this.nextStepOrd ??= 0;
          this.steps.set(event.stepId, { ord: this.nextStepOrd++, body, changed: true });
        }
        return;
      }
      case "step.finished": {
        const found = this.steps.get(event.stepId);
        if (!found) {
          throw new KeystrokeError("invalid_input", `No step ${event.stepId} in run ${event.runId}`, {
            hint: "Send step.started before step.finished",
            details: { field: "stepId" },
          });
        }
        found.body = {
          ...found.body,
          status: event.status,
          attempt: Math.max(found.body.attempt, event.attempt),
          finishedAt: event.time,
          output: event.output ?? null,
          error: event.error ?? null,
        };
        found.changed = true;
        return;
      }
      default:
        return;
    }
  }

  /**
   * Column arrays of the new messages, for one multi-row insert: what each row holds (`columns`)
   * and its place in the conversation (`places`: `at_ms`, `ord`; message-order.ts), in one order.
   */
  newMessages(): {
    columns: [number[], string[], number[], (string | null)[], (string | null)[]];
    places: [number[], number[]];
  } {
    const columns: [number[], string[], number[], (string | null)[], (string | null)[]] = [[], [], [], [], []];
    const places: [number[], number[]] = [[], []];
    for (const [id, message] of this.messages) {
      if (message.stored) continue;
      columns[0].push(message.idx);
      columns[1].push(id);
      columns[2].push(message.seq);
      columns[3].push(message.added.length > 0 ? JSON.stringify(message.added) : null);
      columns[4].push(toTsVector(messageText([...message.parts, ...message.added])));
      places[0].push(message.atMs);
      places[1].push(message.ord);
    }
    return { columns, places };
  }

  /**
   * A message of the run said again (its event dropped as a duplicate) at `atMs`: when that is
   * earlier, it moves there, at `ord` (message-order.ts). True when it moved.
   */
  moveEarlier(messageId: string, atMs: number, ord: () => number): boolean {
    const found = this.messages.get(messageId);
    if (found === undefined || atMs >= found.atMs) return false;
    found.atMs = atMs;
    found.ord = ord();
    found.changed = true;
    return true;
  }

  /**
   * Column arrays of the stored messages this batch added parts to or moved, for one update: as
   * `newMessages`, what each row holds and its place.
   */
  changedMessages(): {
    columns: [number[], (string | null)[], (string | null)[], boolean[]];
    places: [number[], number[]];
  } {
    const columns: [number[], (string | null)[], (string | null)[], boolean[]] = [[], [], [], []];
    const places: [number[], number[]] = [[], []];
    for (const message of this.messages.values()) {
      if (!message.stored || !message.changed) continue;
      columns[0].push(message.idx);
      columns[1].push(message.added.length > 0 ? JSON.stringify(message.added) : null);
      columns[2].push(message.reindex ? toTsVector(messageText([...message.parts, ...message.added])) : null);
      columns[3].push(message.reindex);
      places[0].push(message.atMs);
      places[1].push(message.ord);
    }
    return { columns, places };
  }

  /** Column arrays of the steps this batch started or finished. */
  changedSteps(): [string[], number[], string[]] {
    const columns: [string[], number[], string[]] = [[], [], []];
    for (const [id, step] of this.steps) {
      if (!step.changed) continue;
      columns[0].push(id);
      columns[1].push(step.ord);
      columns[2].push(JSON.stringify(step.body));
    }
    return columns;
  }
}
