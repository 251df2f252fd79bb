/**
 * What the workflow runtime needs to execute runs on many processes at once: a durable request
 * "execute this run (again)" that any process may claim, under a lease it renews while it
 * executes. Without one the runtime executes every run in its own process (one server on a
 * SQLite file); with one (the PostgreSQL store's run claims) replicas and workers share the
 * work, and a process killed mid-step loses its lease so another resumes the run by replay.
 */

/**
 * How a claimed execution ended: it ran to a suspension or the end; it was cut off (a shutdown, a
 * lost lease) and another process may take it at once; or it could not run now (this process is
 * at the workflow's concurrency limit, the store failed) and should be tried again shortly.
 */
export type ClaimEnd = "done" | "cut" | "retry";

export interface ClaimHandlers {
  /** Executes a claimed run; resolves when it suspends, finishes or is cut off. */
  execute(runId: string): Promise<ClaimEnd>;
  /** Another process asked to cancel a run executing here. */
  cancel(runId: string): void;
  /** This process no longer holds the run (its lease ran out while it was stalled): stop without recording. */
  lost(runId: string): void;
}

export interface RunClaims {
  /**
   * Asks for an execution of the run by whichever process claims it. With `again` (the default)
   * a process executing it now executes it once more afterwards; without, a request already
   * pending or held is enough.
   */
  request(runId: string, options?: { again?: boolean }): Promise<void>;
  /** Claims runs and hands each to `handlers.execute`, renewing its lease until that settles. */
  start(handlers: ClaimHandlers): void;
  /** Asks the live process holding the run to cancel it; false when none holds it. */
  requestCancel(runId: string): Promise<boolean>;
  /** True when a live process (this one included) holds the run. */
  isHeld(runId: string): Promise<boolean>;
  /**
   * Holds a run this process executes on its own (an agent session) under the same renewed
   * lease, so that if the process dies the run is claimed elsewhere and recorded interrupted.
   */
  hold(runId: string): Promise<void>;
  /** Ends a hold: the run finished here. */
  release(runId: string): Promise<void>;
  /** Stops claiming; runs this process claimed are handed back for another process to claim at once. */
  stop(): Promise<void>;
}
