/**
 * A run-event sink that keeps every run in memory and folds it with core's reducer, for the
 * runtime's unit tests: the same folding the store does, without a database.
 */
import { type Message, type RunDetail, type RunEvent, reduceRun, type StoredEvent } from "@keystroke/core";
import type { RecordedSession, RunEventSink, SessionDirectory } from "../runtime/index.js";

export class MemoryRunLog implements RunEventSink, SessionDirectory {
  readonly events = new Map<string, StoredEvent[]>();
  readonly runs = new Map<string, RunDetail>();
  readonly messages = new Map<string, Message[]>();
  /** Appends seen, in order: each is one batch. */
  readonly batches: { runId: string; types: string[] }[] = [];

  async append(batch: { runId: string; events: RunEvent[] }): Promise<void> {
    const stored = this.events.get(batch.runId) ?? [];
    let run = this.runs.get(batch.runId);
    const messages = this.messages.get(batch.runId) ?? [];
    for (const event of batch.events) {
      const storedEvent = { ...event, runId: batch.runId, seq: stored.length + 1 } as StoredEvent;
      run = reduceRun(run, storedEvent);
      stored.push(storedEvent);
      if (event.type === "message.added") messages.push(structuredClone(event.message));
      if (event.type === "message.part_added") {
        const message = messages.find((m) => m.id === event.messageId);
        if (!message) throw new Error(`part added to unknown message ${event.messageId}`);
        message.parts.push(event.part);
      }
    }
    this.events.set(batch.runId, stored);
    this.messages.set(batch.runId, messages);
    if (run) this.runs.set(batch.runId, run);
    this.batches.push({ runId: batch.runId, types: batch.events.map((e) => e.type) });
  }

  async find(key: { project: string; slug: string; sessionId: string }): Promise<RecordedSession | undefined> {
    for (const run of this.runs.values()) {
      if (run.project === key.project && run.slug === key.slug && run.sessionId === key.sessionId) {
        return { runId: run.runId, messages: this.messages.get(run.runId) ?? [] };
      }
    }
    return undefined;
  }

  run(runId: string): RunDetail {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    return run;
  }

  typesOf(runId: string): string[] {
    return (this.events.get(runId) ?? []).map((e) => e.type);
  }
}
