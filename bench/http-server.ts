/** Child process of the HTTP ingest benchmark: a real server on a temp SQLite file. */
import { startServer } from "@keystroke/server";

const dbPath = process.argv[2];
if (!dbPath) throw new Error("usage: http-server.ts <db-path>");
const running = await startServer({ host: "127.0.0.1", port: 0, dbPath });
process.stdout.write(`${running.url}\n`);
process.on("SIGTERM", () => {
  void running.close().then(() => process.exit(0));
});
