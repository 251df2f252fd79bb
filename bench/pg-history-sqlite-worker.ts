/**
 * The worker thread of SqliteWorkerWriter (pg-history-sqlite-load.ts): a connection of its own to
 * the store's file, set up as the store sets up its own, and a SqliteBulkWriter on it. Answers
 * every message once it is done with it.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { SqliteBulkWriter, type SqliteWorkerMessage } from "./pg-history-sqlite-load.js";

const db = new Database((workerData as { path: string }).path);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 5000");
db.pragma("cache_size = -65536");
db.pragma(
  `wal_autocheckpoint = ${Math.round((80 * 1024 * 1024) / (db.pragma("page_size", { simple: true }) as number))}`,
);
const writer = new SqliteBulkWriter(db);

parentPort?.on("message", (message: SqliteWorkerMessage) => {
  if ("write" in message) writer.write(message.write);
  else if ("commit" in message) writer.commit();
  else {
    writer.finish();
    db.close();
  }
  parentPort?.postMessage("done");
});
