/**
 * `workflows run --wait`: follows a run's event stream (replay, then live) until the run
 * finished, or until it sleeps or waits on a hook, which can last hours; the caller then reads
 * the run as it stands.
 */
import { KeystrokeError, type RunStatus, type StoredEvent } from "@keystroke/core";
import type { KeystrokeClient } from "keystroke/client";

/** Statuses in which a run waits for time or for someone, with nothing to follow meanwhile. */
export const pausedStatuses: ReadonlySet<RunStatus> = new Set(["sleeping", "waiting_on_hook"]);

/**
 * Resolves once the run finished or is paused. A `run.status_changed` to a paused status in the
 * replay may be old news (the run woke up since), so the run is read to check before stopping.
 *
 * @example
 * await followRun(client, runId, (event) => console.log(event.type));
 * const { run } = await client.getRun(runId);
 */
export async function followRun(
  client: KeystrokeClient,
  runId: string,
  onEvent: (event: StoredEvent) => void,
): Promise<void> {
  const controller = new AbortController();
  try {
    for await (const event of client.streamEvents(runId, { signal: controller.signal })) {
      onEvent(event);
      if (event.type === "run.finished") return;
      if (event.type === "run.status_changed" && pausedStatuses.has(event.status)) {
        const { run } = await client.getRun(runId);
        if (run.status !== "queued" && run.status !== "running") return;
      }
    }
  } finally {
    controller.abort();
  }
  throw new KeystrokeError("unreachable", `The event stream of run ${runId} ended before the run finished`, {
    hint: `The server may have stopped; the run goes on where it is hosted. Read it with \`keystroke history get ${runId}\``,
    details: { runId },
  });
}
