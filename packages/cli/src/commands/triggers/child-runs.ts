/** The runs a run started (its agent and workflow steps, subagents), every page, oldest first. */
import type { RunSummary } from "@keystroke/core";
import type { KeystrokeClient } from "keystroke/client";

/**
 * @example
 * const children = await readChildRuns(client, runId);
 */
export async function readChildRuns(client: KeystrokeClient, runId: string): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listRuns({ parentRunId: runId }, { cursor, limit: 1000 });
    runs.push(...page.runs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return runs.reverse();
}
