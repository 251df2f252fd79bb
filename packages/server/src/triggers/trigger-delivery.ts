/**
 * One delivery, start to record: the run started (or why not) as a Delivery, and the patch of the
 * attachment's record that goes with it. Callers commit outcomes in one store transaction — a
 * cron wake's thousand ticks together, a poll tick's runs together with its new state.
 */
import { KeystrokeError } from "@keystroke/core";
import type { Delivery, TriggerPatch, TriggerStateStore } from "@keystroke/store";
import type { TriggerAttachment } from "keystroke/trigger";
import type { OverlapGate } from "./overlap-gate.js";
import { startTarget, type TargetDeps } from "./start-target.js";

export interface Outcome {
  id: string;
  delivery: Delivery;
  patch: TriggerPatch;
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Starts the attachment's run now; never throws: a failure is a `failed` outcome with the reason.
 *
 * @example
 * const outcome = await startDelivery(deps, gate, attachment, payload, value);
 */
export async function startDelivery(
  deps: TargetDeps & { onError?(error: unknown, id: string): void },
  gate: OverlapGate,
  attachment: TriggerAttachment,
  payload: unknown,
  value: unknown,
): Promise<Outcome> {
  const at = Date.now();
  try {
    const run = await startTarget(deps, attachment, payload, value);
    gate.track(attachment.id, run.runId, run.done);
    return {
      id: attachment.id,
      delivery: { at, outcome: "started", runId: run.runId, reason: null },
      patch: { lastFireAt: at, lastRunId: run.runId, lastError: null },
    };
  } catch (error) {
    if (!(error instanceof KeystrokeError && error.code === "invalid_input")) deps.onError?.(error, attachment.id);
    const reason = messageOf(error);
    return failed(attachment.id, reason, at);
  }
}

/** A delivery that started nothing: `failed` (with lastError), or `skipped` / `filtered`. */
export function failed(id: string, reason: string, at = Date.now()): Outcome {
  return {
    id,
    delivery: { at, outcome: "failed", runId: null, reason },
    patch: { lastFireAt: at, lastError: { message: reason, at } },
  };
}

export function notStarted(id: string, outcome: "skipped" | "filtered", reason: string, at = Date.now()): Outcome {
  return { id, delivery: { at, outcome, runId: null, reason }, patch: { lastFireAt: at } };
}

/**
 * Commits outcomes (and extra patches, e.g. a poll's state) in one transaction; patches of one
 * id merge in order.
 */
export async function commitOutcomes(
  state: TriggerStateStore,
  outcomes: readonly Outcome[],
  extra: readonly { id: string; patch: TriggerPatch }[] = [],
): Promise<void> {
  const patches = new Map<string, TriggerPatch>();
  for (const { id, patch } of [...outcomes, ...extra]) patches.set(id, { ...patches.get(id), ...patch });
  await state.update(
    [...patches].map(([id, patch]) => ({ id, patch })),
    outcomes.map(({ id, delivery }) => ({ id, delivery })),
  );
}
