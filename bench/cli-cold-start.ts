/**
 * `keystroke history list` from a cold start, as a user runs it: a new Node process each time,
 * the built CLI bundle, a real server with runs in its own process. Beside it, the floor of any
 * Node program on this machine: `node -e ''`, measured interleaved in the same run.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newRunId } from "@keystroke/core/ids";
import { startServer } from "@keystroke/server";
import { random, sessionBatch } from "./data.js";
import { heading, ms, percentile, table } from "./report.js";

const ROUNDS = 30;
const bin = fileURLToPath(new URL("../packages/cli/keystroke.js", import.meta.url));

/** Runs one process to its exit; async, so the server in this process keeps answering. */
function timeProcess(args: string[]): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, (error, _stdout, stderr) =>
      error ? reject(new Error(`${args.join(" ")} failed: ${stderr}`)) : resolve(performance.now() - start),
    ),
  );
}

export async function benchCliColdStart(): Promise<void> {
  heading(`CLI cold start — ${ROUNDS} rounds, interleaved with the baseline`);
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-cli-"));
  const server = await startServer({ dbPath: join(dir, "cli.db"), port: 0 });
  try {
    const next = random(7);
    const start = Date.parse("2026-11-01T00:00:00Z");
    for (let i = 0; i < 200; i++) {
      const at = start + i * 60_000;
      await server.store.append([sessionBatch(newRunId(at), at, 3, next)]);
    }
    const samples: Record<string, number[]> = {
      "node -e ''": [],
      "keystroke history list": [],
      "keystroke history list --status failed": [],
    };
    for (let i = 0; i < ROUNDS; i++) {
      samples["node -e ''"]?.push(await timeProcess(["-e", ""]));
      samples["keystroke history list"]?.push(await timeProcess([bin, "history", "list", "--url", server.url]));
      samples["keystroke history list --status failed"]?.push(
        await timeProcess([bin, "history", "list", "--status", "failed", "--url", server.url]),
      );
    }
    table([
      ["command (to output, process exit)", "p50", "p90", "target"],
      ...Object.entries(samples).map(([name, values]) => [
        name,
        ms(percentile(values, 50)),
        ms(percentile(values, 90)),
        name.startsWith("keystroke") ? "≤ 300 ms" : "baseline",
      ]),
    ]);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
