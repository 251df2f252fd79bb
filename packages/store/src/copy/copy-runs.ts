/**
 * Copies every run of one store into another — a local SQLite file into PostgreSQL, or any store
 * into any other — through the one write path both have: `append`.
 *
 * Why appending the stored events again is a faithful copy: a stored event is the event its
 * producer sent plus its run's id and its sequence number. Handed back to `append` under the same
 * run id and in sequence order, the target folds them as the source did: `run.created` creates the
 * run (its trigger time included), event ids are kept, each event gets the run's next number — the
 * same numbers, since a store numbers a run's events 1, 2, 3… — and the History row, conversation,
 * trace, logs and steps are projections of those events. Every time in them is an event's own
 * (`updatedAt` too), never the time of the copy. A run that absorbed another holds the moved events
 * after its `run.absorbed`; the absorbed run is gone from the source, so in the target
 * `run.absorbed` finds nothing to move and the events that follow are appended as they are.
 *
 * Runs are copied oldest first, so the target numbers its rows (the SQLite store orders search
 * results by that number) in the order the runs were recorded. Small runs go many to a transaction
 * (up to `batchSize` events); a longer run goes a page at a time. A run the target refuses (e.g.
 * PostgreSQL cannot store a NUL character in a message id) costs that run alone: its group is
 * appended again run by run, and the run is reported.
 *
 * Running the copy again is safe. Since events are numbered densely, a run's `lastSeq` is its number
 * of events. A run the target holds as many events of is skipped. A run it holds fewer of (a copy
 * interrupted inside a long run, or a run that grew since) is sent again whole: both stores drop the
 * events whose ids the run already has, so only the rest is appended, in order — and a run absorbed
 * in the source since the earlier copy is absorbed in the target when its `run.absorbed` arrives.
 * A run the target holds more events of is left alone and reported.
 *
 * Verification lists the source again and compares each run's number of events with the target's:
 * a run that is missing, was refused, or changed in the source during the copy (a server still
 * writing to it) is a mismatch. Runs the target holds besides the source's are not.
 */
import { type IngestBatch, type RunEvent, type RunSummary, type StoredEvent, toKeystrokeError } from "@keystroke/core";
import { MAX_PAGE, pageLimit, type RunStore } from "../run-store.js";

export interface CopyProgress {
  /** Runs handled so far: copied, completed or found already there. */
  runs: number;
  totalRuns?: number;
  /** Events of the runs handled so far. */
  events: number;
}

export interface CopyOptions {
  onProgress?(progress: CopyProgress): void;
  /** Events per transaction and per page read, 1–1000; 1000 by default. */
  batchSize?: number;
  /** Stops the copy between two pages; what was appended stays, and a new copy goes on from there. */
  signal?: AbortSignal;
}

/** A run whose number of events differs between source and target after the copy. */
export interface CopyMismatch {
  runId: string;
  sourceEvents: number;
  /** 0 when the target does not have the run. */
  targetEvents: number;
  /** Why the target refused the run's events, when it did. */
  error?: string;
}

export interface CopyReport {
  /** Runs of the source, now in the target (copied, completed or already there). */
  runs: number;
  /** Events of those runs. */
  events: number;
  /** Runs the target already had whole. */
  skipped: number;
  /** Events this copy appended to the target. */
  appended: number;
  mismatches: CopyMismatch[];
}

interface SourceRun {
  runId: string;
  events: number;
}

/** Error codes of a target refusing a run's events, as opposed to failing: only that run is reported. */
const REFUSALS = new Set(["invalid_input", "conflict"]);

/**
 * Copies every run of `from` into `to`, then checks that each has as many events in both.
 *
 * @example
 * const report = await copyRuns(await openStore(".keystroke/keystroke.db"), await openStore(process.env.DATABASE_URL));
 * if (report.mismatches.length > 0) process.exitCode = 1;
 */
export async function copyRuns(from: RunStore, to: RunStore, options: CopyOptions = {}): Promise<CopyReport> {
  return new RunCopier(from, to, options).copy();
}

class RunCopier {
  private readonly limit: number;
  private group: IngestBatch[] = [];
  private groupEvents = 0;
  private readonly refused = new Map<string, string>();
  private readonly progress: Required<CopyProgress> = { runs: 0, totalRuns: 0, events: 0 };
  private skipped = 0;
  private appended = 0;

  constructor(
    private readonly from: RunStore,
    private readonly to: RunStore,
    private readonly options: CopyOptions,
  ) {
    this.limit = pageLimit(options.batchSize, MAX_PAGE);
  }

  async copy(): Promise<CopyReport> {
    const runs: SourceRun[] = [];
    for await (const run of everyRun(this.from)) runs.push({ runId: run.runId, events: run.lastSeq });
    runs.reverse();
    this.progress.totalRuns = runs.length;
    for (const run of runs) {
      await this.stopIfAborted();
      const there = await eventCount(this.to, run.runId);
      if (there < run.events) {
        await this.copyRun(run.runId);
      } else {
        if (there === run.events) this.skipped++;
        this.progress.events += run.events;
      }
      this.progress.runs++;
      this.report();
    }
    await this.flush();
    return {
      runs: runs.length,
      events: runs.reduce((sum, run) => sum + run.events, 0),
      skipped: this.skipped,
      appended: this.appended,
      mismatches: await this.verify(),
    };
  }

  /** Queues the run's events page by page; a page that fills up is appended before the next is read. */
  private async copyRun(runId: string): Promise<void> {
    let afterSeq = 0;
    // Each message's time and event, by its id (the events themselves could be many).
    const added = new Map<string, { seq: number; time: string }>();
    for (;;) {
      const page = await this.from.readEvents(runId, afterSeq, this.limit);
      if (page.length === 0) break;
      for (const event of page) {
        if (event.type === "message.added") added.set(event.message.id, { seq: event.seq, time: event.time });
      }
      this.group.push({ runId, events: page.map(withoutPlace) });
      this.groupEvents += page.length;
      this.progress.events += page.length;
      afterSeq = (page.at(-1) as StoredEvent).seq;
      if (page.length < this.limit) break;
      await this.flush();
      if (this.refused.has(runId)) return;
      await this.stopIfAborted();
      this.report();
    }
    if (added.size > 0 && !this.refused.has(runId)) await this.queueMoves(runId, added);
    if (this.groupEvents >= this.limit) await this.flush();
  }

  /**
   * Messages the source moved to an earlier time (a `message.added` said again earlier, a
   * duplicate that left no event; see message-order.ts) move in the target too: their events are
   * sent again with that time, after the run's events. Among messages of that same millisecond, a
   * moved one then comes after them all, where the source may have placed it before some.
   */
  private async queueMoves(runId: string, added: ReadonlyMap<string, { seq: number; time: string }>): Promise<void> {
    const moved: RunEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = (await this.from.getRun(runId, { messages: { cursor, limit: MAX_PAGE } }))?.messages;
      for (const message of page?.items ?? []) {
        const event = added.get(message.id);
        if (event === undefined || message.time >= event.time) continue;
        const [stored] = await this.from.readEvents(runId, event.seq - 1, 1);
        if (stored?.type === "message.added") moved.push({ ...withoutPlace(stored), time: message.time });
      }
      cursor = page?.nextCursor ?? undefined;
    } while (cursor !== undefined);
    if (moved.length > 0) this.group.push({ runId, events: moved });
  }

  /** Appends the queued batches in one transaction; if the target refuses it, one run at a time. */
  private async flush(): Promise<void> {
    const batches = this.group;
    if (batches.length === 0) return;
    this.group = [];
    this.groupEvents = 0;
    try {
      for (const result of await this.to.append(batches)) this.appended += result.events.length;
      return;
    } catch (thrown) {
      if (batches.length === 1) return this.refuse(batches[0] as IngestBatch, thrown);
    }
    for (const batch of batches) {
      // Nothing more of a refused run: the rest of its events (or its moved messages) would land
      // out of sequence.
      if (this.refused.has(batch.runId)) continue;
      try {
        for (const result of await this.to.append([batch])) this.appended += result.events.length;
      } catch (thrown) {
        this.refuse(batch, thrown);
      }
    }
  }

  /** Appends what is queued, so that the runs reported as handled are in the target, then stops. */
  private async stopIfAborted(): Promise<void> {
    if (!this.options.signal?.aborted) return;
    await this.flush();
    this.options.signal.throwIfAborted();
  }

  private refuse(batch: IngestBatch, thrown: unknown): void {
    const error = toKeystrokeError(thrown);
    if (!REFUSALS.has(error.code)) throw thrown;
    this.refused.set(batch.runId, error.message);
  }

  /** Lists the source again and compares each run's number of events with the target's. */
  private async verify(): Promise<CopyMismatch[]> {
    const mismatches: CopyMismatch[] = [];
    for await (const run of everyRun(this.from)) {
      const targetEvents = await eventCount(this.to, run.runId);
      if (targetEvents === run.lastSeq) continue;
      const mismatch: CopyMismatch = { runId: run.runId, sourceEvents: run.lastSeq, targetEvents };
      const error = this.refused.get(run.runId);
      if (error !== undefined) mismatch.error = error;
      mismatches.push(mismatch);
    }
    return mismatches;
  }

  private report(): void {
    this.options.onProgress?.({ ...this.progress });
  }
}

/** Every run of a store, newest first: History with no filter, page after page. */
async function* everyRun(store: RunStore): AsyncGenerator<RunSummary> {
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({}, cursor === undefined ? { limit: MAX_PAGE } : { limit: MAX_PAGE, cursor });
    yield* page.runs;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** A run's number of events in `store` (its events are numbered 1…lastSeq); 0 when it has no such run. */
async function eventCount(store: RunStore, runId: string): Promise<number> {
  return (await store.getRun(runId))?.run.lastSeq ?? 0;
}

/** A stored event as its producer sent it: without the run and the number the store gave it. */
function withoutPlace(stored: StoredEvent): RunEvent {
  const { runId: _runId, seq: _seq, ...event } = stored;
  return event as RunEvent;
}
