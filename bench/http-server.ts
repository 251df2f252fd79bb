/** Child process of the HTTP ingest benchmarks: a real server on a temp SQLite file or a PostgreSQL URL. */
import { startServer } from "@keystroke/server";

const location = process.argv[2];
if (!location) throw new Error("usage: http-server.ts <db-path | postgres-url>");
const running = await startServer({
  host: "127.0.0.1",
  port: 0,
  ...(/^postgres(ql)?:/.test(location) ? { databaseUrl: location } : { dbPath: location }),
});
process.stdout.write(`${running.url}\n`);
process.on("SIGTERM", () => {
  void running.close().then(() => process.exit(0));
});
