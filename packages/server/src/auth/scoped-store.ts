/**
 * The store as the routes read it: inside a request of a signed-in caller, only runs of the
 * projects the caller can access exist — lists are narrowed to them, and another project's run
 * (another organization's above all) is not found, so routes answer 404 without knowing why.
 * Outside a request (the runtimes, ingest, triggers) and on a server without auth, it is the
 * store itself.
 */
import type { RunFilter } from "@keystroke/core";
import type { RunStore } from "@keystroke/store";
import { callerStorage, mayAccess } from "./caller.js";

/** The filter's projects narrowed to the caller's; undefined when the caller can see none of them. */
export function scopeFilter<F extends Pick<RunFilter, "project">>(filter: F): F | undefined {
  const caller = callerStorage.getStore();
  if (!caller) return filter;
  const allowed = [...caller.projects];
  const projects = filter.project?.length ? filter.project.filter((p) => caller.projects.has(p)) : allowed;
  return projects.length === 0 ? undefined : { ...filter, project: projects };
}

export function scopedStore(store: RunStore): RunStore {
  return {
    append: (batches) => store.append(batches),
    appendEach: (batches) => store.appendEach(batches),
    async listRuns(filter, page) {
      const scoped = scopeFilter(filter);
      return scoped ? store.listRuns(scoped, page) : { runs: [], nextCursor: null };
    },
    async getRun(runId, include) {
      const view = await store.getRun(runId, include);
      return view && mayAccess(view.run.project) ? view : undefined;
    },
    async readEvents(runId, afterSeq, limit) {
      if (callerStorage.getStore()) {
        const view = await store.getRun(runId);
        if (!view || !mayAccess(view.run.project)) return [];
      }
      return store.readEvents(runId, afterSeq, limit);
    },
    async listSessions(slug, filter = {}, page) {
      const scoped = scopeFilter(filter);
      return scoped ? store.listSessions(slug, scoped, page) : { runs: [], nextCursor: null };
    },
    async getSession(key, include) {
      const view = await store.getSession(key, include);
      return view && mayAccess(view.run.project) ? view : undefined;
    },
    close: () => store.close(),
  };
}
