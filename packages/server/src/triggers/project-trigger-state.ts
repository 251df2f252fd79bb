/**
 * The trigger state of one project on a server that hosts several (a team server, one project
 * per deploy): the same store, every trigger id (and webhook signature) kept under the project's
 * name, so that two projects whose sources and targets share slugs keep apart schedules, cursors,
 * leases and deliveries. Releasing the leases a killed process left is the store's, for every
 * project at once (the server does it once per process: `releaseLeasesOnce`).
 */
import type { TriggerRecord, TriggerStateStore } from "@keystroke/store";

/**
 * @example
 * const state = projectTriggerState(shared, "acme/support");
 * await state.claimTick("nightly:report", tick); // kept as "acme/support␟nightly:report"
 */
export function projectTriggerState(state: TriggerStateStore, project: string): TriggerStateStore {
  const prefix = `${project}\u241f`;
  const own = (id: string) => prefix + id;
  const bare = (id: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : undefined);
  return {
    async get(ids) {
      const records = await state.get(ids.map(own));
      const mine = new Map<string, TriggerRecord>();
      for (const [id, record] of records) {
        const key = bare(id);
        if (key !== undefined) mine.set(key, { ...record, id: key });
      }
      return mine;
    },
    update: (patches, deliveries) =>
      state.update(
        patches.map(({ id, patch }) => ({ id: own(id), patch })),
        deliveries?.map(({ id, delivery }) => ({ id: own(id), delivery })),
      ),
    deliveries: (id, limit) => state.deliveries(own(id), limit),
    async triggerOfRun(runId) {
      const id = await state.triggerOfRun(runId);
      return id === undefined ? undefined : bare(id);
    },
    claimSignature: (signature, expiresAt, now) => state.claimSignature(own(signature), expiresAt, now),
    claimTick: (id, tick) => state.claimTick(own(id), tick),
    claimLease: (id, claim) => state.claimLease(own(id), claim),
    releaseLeases: () => state.releaseLeases(),
  };
}

/** `releaseLeases` of `state`, done once however often it is called. */
export function releaseLeasesOnce(state: TriggerStateStore): () => Promise<void> {
  let released: Promise<void> | undefined;
  return () => {
    released ??= state.releaseLeases();
    return released;
  };
}
