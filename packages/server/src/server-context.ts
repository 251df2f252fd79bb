import type { RunStore } from "@keystroke/store";
import type { RunEventBus } from "./events/run-event-bus.js";
import type { IngestQueue } from "./ingest/ingest-queue.js";

/** What every route of the server reads from: the store, the live bus and facts about itself. */
export interface ServerContext {
  store: RunStore;
  bus: RunEventBus;
  /** The one write path: appends a batch (group commit), publishes it on `bus`, resolves after commit. */
  ingest: IngestQueue;
  version: string;
  /** Epoch milliseconds at which the server was created. */
  startedAt: number;
}
