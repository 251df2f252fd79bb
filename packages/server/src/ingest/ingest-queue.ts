/**
 * Group commit for ingest. Batches that arrive in the same turn of the event loop are appended
 * in one store transaction — each batch atomic on its own, so a refused batch refuses only its
 * sender — and every sender is acknowledged after that one commit. Under concurrent load this
 * turns N commits into one; a lone request waits only for the end of the current turn.
 */
import type { IngestBatch, KeystrokeError } from "@keystroke/core";
import type { AppendResult, RunStore } from "@keystroke/store";

interface Waiting {
  batch: IngestBatch;
  resolve: (result: AppendResult) => void;
  reject: (error: KeystrokeError | Error) => void;
}

export class IngestQueue {
  private waiting: Waiting[] = [];
  private scheduled = false;

  /** @param committed called with each batch's result (and the batch) after its commit, before its sender hears. */
  constructor(
    private readonly store: RunStore,
    private readonly committed: (result: AppendResult, batch: IngestBatch) => void,
  ) {}

  /** Appends `batch` with whatever else arrives in this turn; resolves after the commit. */
  submit(batch: IngestBatch): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const group = this.waiting;
    this.waiting = [];
    try {
      const outcomes = await this.store.appendEach(group.map((w) => w.batch));
      outcomes.forEach((outcome, i) => {
        const waiting = group[i] as Waiting;
        if (outcome.ok) {
          this.committed(outcome.result, waiting.batch);
          waiting.resolve(outcome.result);
        } else {
          waiting.reject(outcome.error);
        }
      });
    } catch (thrown) {
      for (const waiting of group) waiting.reject(thrown instanceof Error ? thrown : new Error(String(thrown)));
    }
  }
}
