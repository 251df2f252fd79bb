import type { RunStore } from "@keystroke/store";
import type { RunEventBus } from "./events/run-event-bus.js";

/** What every route of the server reads from: the store, the live bus and facts about itself. */
export interface ServerContext {
  store: RunStore;
  bus: RunEventBus;
  version: string;
  /** Epoch milliseconds at which the server was created. */
  startedAt: number;
}
