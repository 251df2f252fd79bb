/**
 * Checkpoints the write-ahead log from a worker thread. A checkpoint copies committed pages
 * into the database file and fsyncs it; on the writer's thread that stalls every append behind
 * the disk for as long as the fsync takes. Here a second connection runs passive checkpoints
 * (they never block the writer) on the other core, and the writer's own automatic checkpoint
 * stays only as a backstop for a WAL that has grown large.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 1000");
const checkpoint = () => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "close") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string, intervalMs = 200) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(workerSource, { eval: true, workerData: { path, driver, intervalMs } });
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
  }

  /** Stops the worker; resolves once its connection is closed. */
  async close(): Promise<void> {
    this.worker.ref();
    this.worker.postMessage("close");
    await this.exited;
  }
}
