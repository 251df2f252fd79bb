/**
 * `keystroke db copy --from <path|url> --to <url|path>`: copies every run of one store into
 * another — typically the SQLite file of `keystroke dev` into PostgreSQL — and checks that each
 * run has as many events in both. Each side is what `--db` or `--database-url` takes: a SQLite
 * path, or a postgres:// URL whose `?schema=` picks the schema. The source must exist (a typo
 * never copies an empty database it just made); the target is created and migrated if needed.
 * Running it again skips the runs already copied and completes the others, so an interrupted
 * copy (Ctrl+C stops it between two pages) is finished by the same command.
 */
import { KeystrokeError } from "@keystroke/core";
import type { CopyMismatch, CopyProgress, CopyReport, copyRuns as copyRunsOf, RunStore } from "@keystroke/store";
import type { Command } from "commander";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import type { Progress } from "../../output/progress.js";

const copyFlags = z.object({
  from: z.string().min(1, "expected a SQLite file or a postgres:// URL"),
  to: z.string().min(1, "expected a postgres:// URL or a SQLite file"),
});

/** How many mismatches the error names before "and N more". */
const NAMED_MISMATCHES = 5;
const PROGRESS_EVERY_MS = 100;

/** Adds `copy` to `keystroke db`. */
export function configure(db: Command): void {
  db.command("copy")
    .description("Copy every run of one store into another, e.g. the local SQLite file into PostgreSQL")
    .requiredOption("--from <path|url>", "the store to copy: a SQLite file or a postgres:// URL (?schema=<name>)")
    .requiredOption("--to <url|path>", "the store to copy into, created if missing: a postgres:// URL or a SQLite file")
    .action(
      commandAction(async (command, context) => {
        const { from, to } = parseOptions(copyFlags, command.opts());
        const store = await import("@keystroke/store");
        const fromText = store.describeStore(from);
        const toText = store.describeStore(to);
        if (store.sameStore(from, to)) {
          throw new KeystrokeError("invalid_input", `--from and --to name the same database: ${fromText}`, {
            hint: "Copy into another database, or into another PostgreSQL schema with ?schema=<name> in --to",
          });
        }
        const source = await store.openExistingStore(from);
        let report: CopyReport;
        try {
          const target = await store.openStore(to);
          try {
            report = await copyWithProgress(store.copyRuns, source, target, context.progress);
          } finally {
            await target.close();
          }
        } finally {
          await source.close();
        }
        const copied = `${count(report.runs, "run")}, ${count(report.events, "event")} (${report.skipped} already there) from ${fromText} to ${toText}`;
        if (report.mismatches.length > 0) throw mismatchError(report, copied);
        return { data: { from: fromText, to: toText, ...report }, plain: `Copied ${copied}` };
      }),
    );
}

/** Runs the copy with a progress line on a terminal, and stops it between two pages on Ctrl+C. */
async function copyWithProgress(
  copyRuns: typeof copyRunsOf,
  source: RunStore,
  target: RunStore,
  progress: Progress,
): Promise<CopyReport> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let last: CopyProgress = { runs: 0, events: 0 };
  let shownAt = 0;
  try {
    return await copyRuns(source, target, {
      signal: stop.signal,
      onProgress(now) {
        last = now;
        if (Date.now() - shownAt < PROGRESS_EVERY_MS) return;
        shownAt = Date.now();
        progress.update(`Copying runs: ${now.runs} of ${now.totalRuns ?? "?"} (${now.events} events)…`);
      },
    });
  } catch (thrown) {
    if (!stop.signal.aborted) throw thrown;
    throw new KeystrokeError("unavailable", `Copy stopped after ${last.runs} of ${last.totalRuns ?? "?"} runs`, {
      hint: "Run the same command again: the runs already copied are skipped and the rest copied",
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** `1 run`, `2 runs`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function describeMismatch(mismatch: CopyMismatch): string {
  const counts = `${mismatch.sourceEvents} events in the source, ${mismatch.targetEvents} in the target`;
  return `${mismatch.runId} (${counts}${mismatch.error ? `: ${mismatch.error}` : ""})`;
}

function mismatchError(report: CopyReport, copied: string): KeystrokeError {
  const { mismatches } = report;
  const named = mismatches.slice(0, NAMED_MISMATCHES).map(describeMismatch);
  if (mismatches.length > NAMED_MISMATCHES) named.push(`and ${mismatches.length - NAMED_MISMATCHES} more`);
  const refused = mismatches.some((m) => m.error !== undefined);
  const differ = mismatches.length === 1 ? "1 run differs" : `${mismatches.length} runs differ`;
  return new KeystrokeError("conflict", `Copied ${copied}, but ${differ}: ${named.join("; ")}`, {
    hint: refused
      ? "The target refused the events of the runs named with a reason; every other run is copied"
      : "Stop every server that writes to the source, then run the same command again: runs already copied are skipped and the others completed",
    details: { mismatches },
  });
}
