/**
 * Sessions a killed server left active. Nothing runs them any more, so when a server starts
 * hosting a project it records each of that project's active agent runs as failed (interrupted)
 * instead of leaving them "running" forever.
 */
import type { IngestBatch } from "@keystroke/core";
import type { RunStore } from "@keystroke/store";
import type { IngestQueue } from "../ingest/ingest-queue.js";

export async function failInterruptedRuns(
  store: RunStore,
  ingest: IngestQueue,
  project: string,
  slugs: string[],
): Promise<string[]> {
  if (slugs.length === 0) return [];
  const failed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns(
      {
        kind: ["agent"],
        project: [project],
        slug: slugs,
        status: ["queued", "running", "sleeping", "waiting_on_hook"],
      },
      { cursor, limit: 500 },
    );
    for (const run of page.runs) {
      await ingest.submit(
        interruptedEvent(
          run.runId,
          run.lastSeq,
          "The server stopped while this session was running; it was marked failed when the server started again",
        ),
      );
      failed.push(run.runId);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return failed;
}

/** The batch that records a session interrupted: failed, with why. Its event id makes a retry a duplicate. */
export function interruptedEvent(runId: string, lastSeq: number, message: string): IngestBatch {
  return {
    runId,
    events: [
      {
        type: "run.finished",
        eventId: `interrupted-${runId}-${lastSeq}`,
        time: new Date().toISOString(),
        status: "failed",
        error: { name: "Interrupted", message },
      },
    ],
  };
}
