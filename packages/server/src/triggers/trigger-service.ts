/**
 * The trigger engine of a server: the loaded project's attachments, one clock over every cron
 * attachment and poll source (due times kept in the store), webhook and manual deliveries, and
 * enable / disable kept in the store across reloads and restarts.
 *
 * Restart rule: a cron attachment whose stored next tick passed while the server was down fires
 * once at start (one catch-up run, its value marked `catchUp: true`), then follows its schedule;
 * a poll source due (or never ticked) ticks at once.
 *
 * Replicas sharing the trigger state each keep this clock, and a scheduled tick is delivered by
 * the one that claims it first (`claimTick`): a cron tick is known by its due time, the same on
 * every replica, a catch-up by the stored tick it stands for, a poll tick as poll-runner.ts says.
 * The winner of a cron tick that dies before delivering it loses that tick: at most once. A poll
 * ticks under a lease, one tick at a time across processes, and a tick whose holder died runs
 * again elsewhere: at least once. Deliveries asked for (a webhook, an invoke) are not claimed; a
 * poll ticked from the API takes the poll's lease like a scheduled tick.
 */
import type { TriggerInfo } from "@keystroke/core";
import type { LeaseClaim, RunStore, TriggerStateStore } from "@keystroke/store";
import type { TriggerAttachment } from "keystroke/trigger";
import type { LoadedProject } from "../projects/load-project.js";
import { OverlapGate } from "./overlap-gate.js";
import { claimPollNow, claimScheduledPoll, holdLease, pollStateId, pollTick } from "./poll-runner.js";
import { cronKey, planSchedule, pollKey } from "./schedule-plan.js";
import type { TargetDeps } from "./start-target.js";
import { TriggerClock } from "./trigger-clock.js";
import { commitOutcomes, notStarted, type Outcome, startDelivery } from "./trigger-delivery.js";
import { type TargetFlags, TriggerRegistry } from "./trigger-registry.js";
import { listTriggers } from "./trigger-view.js";

export interface TriggerServiceOptions extends TargetDeps {
  state: TriggerStateStore;
  store: RunStore;
  /** The server's public base URL (webhook URLs start with it). */
  baseUrl(): string;
  /**
   * The path the project's webhook endpoints are under: `/api/triggers` (the default), or on a
   * server hosting several projects `/api/triggers/<organization>/<project>`.
   */
  webhookPath?: string;
  /** Drops the leases a killed process left, once per process (by default the state's own `releaseLeases`). */
  releaseLeases?: () => Promise<void>;
  onError?(error: unknown, id: string): void;
}

const CLOSE_WAIT_MS = 5000;
/** How soon a poll whose scheduled tick failed in the store (not in its source) is tried again. */
const POLL_ERROR_RETRY_MS = 5000;
const ACTIVE = new Set(["queued", "running", "sleeping", "waiting_on_hook"]);

export class TriggerService {
  private registry = new TriggerRegistry([], { workflows: [], agents: [] });
  private readonly clock = new TriggerClock((due, now) => this.onDue(due, now));
  private readonly gate = new OverlapGate();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly polling = new Map<string, Promise<unknown>>();
  /** The schedule each clock entry was computed for, to notice an edit on reload. */
  private readonly scheduled = new Map<string, string>();
  private started = false;
  private closed = false;
  private reconciling: Promise<void> = Promise.resolve();
  /** The run `project` value of the project served (its deliveries start runs there, its views name it). */
  private hostedProject: string | undefined;

  constructor(readonly options: TriggerServiceOptions) {}

  get state(): TriggerStateStore {
    return this.options.state;
  }

  /** Times the trigger clock woke up since the server started (a benchmark figure). */
  get clockWakeups(): number {
    return this.clock.wakeups;
  }

  get current(): TriggerRegistry {
    return this.registry;
  }

  /** What deliveries start runs with: the services, and the project served. */
  private get deps(): TriggerServiceOptions {
    const project = this.options.project ?? this.hostedProject;
    return project === undefined ? this.options : { ...this.options, project };
  }

  /** Serves the project's attachments from now on; a reload keeps every record and due time. */
  use(project: LoadedProject): void {
    this.hostedProject = project.config.project;
    this.registry = new TriggerRegistry(project.triggers ?? [], {
      workflows: [...project.workflows.keys()],
      agents: [...project.agents.keys()],
    });
    if (this.started) this.reconcile(false);
  }

  /** Schedules the attachments, fires the catch-up ticks, and starts the clock. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      // A poll's tick cut off by a crash left its lease: on a store of one process it goes now.
      await (this.options.releaseLeases ?? (() => this.options.state.releaseLeases()))();
      await this.trackActiveRuns();
    } catch (error) {
      this.started = false; // the next start tries again
      throw error;
    }
    this.clock.start();
    this.reconcile(true);
    await this.reconciling;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clock.stop();
    this.gate.clear();
    await this.reconciling;
    // Deliveries in flight finish recording; a poll's run() that hangs does not hold the stop
    // for more than CLOSE_WAIT_MS (its tick is not committed, so it is polled again next start).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, CLOSE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Every attachment with its state, newest deliveries first. */
  list(): Promise<TriggerInfo[]> {
    return this.view([...this.registry.byId.values()]);
  }

  /** Views of some attachments. */
  view(attachments: TriggerAttachment[]): Promise<TriggerInfo[]> {
    const webhookBase = `${this.options.baseUrl().replace(/\/$/, "")}${this.options.webhookPath ?? "/api/triggers"}`;
    return listTriggers(this.options.state, webhookBase, attachments, this.deps.project);
  }

  /** Disables or enables the flagged attachments of a source; kept in the store. */
  async setEnabled(slug: string, flags: TargetFlags, enabled: boolean): Promise<TriggerInfo[]> {
    const attachments = this.registry.attachments(slug, flags);
    await this.options.state.update(
      attachments.map((a) => ({ id: a.id, patch: { disabled: !enabled, ...(enabled ? {} : { nextFireAt: null }) } })),
    );
    for (const a of attachments) if (a.source.kind === "cron") this.scheduled.delete(cronKey(a.id));
    this.scheduled.delete(pollKey(slug));
    this.reconcile(false);
    await this.reconciling;
    return this.view(attachments);
  }

  /** Starts runs now for `attachments` (a webhook request, a manual invoke); commits their outcomes. */
  async deliverNow(attachments: readonly TriggerAttachment[], payload: unknown, value: unknown): Promise<Outcome[]> {
    const outcomes = await Promise.all(attachments.map((a) => startDelivery(this.deps, this.gate, a, payload, value)));
    await commitOutcomes(this.options.state, outcomes);
    return outcomes;
  }

  /** Records that `attachments` were not started (a filter dropped the event). */
  async recordNotStarted(attachments: readonly TriggerAttachment[], outcome: "filtered" | "skipped", reason: string) {
    await commitOutcomes(
      this.options.state,
      attachments.map((a) => notStarted(a.id, outcome, reason)),
    );
  }

  /** The enabled ones of `attachments`. */
  async enabled(attachments: readonly TriggerAttachment[]): Promise<TriggerAttachment[]> {
    const records = await this.options.state.get(attachments.map((a) => a.id));
    return attachments.filter((a) => !records.get(a.id)?.disabled);
  }

  /** Runs one tick of a poll source now for `attachments` (after any tick in flight). */
  async tickPoll(slug: string, attachments: readonly TriggerAttachment[]): Promise<Outcome[]> {
    await this.polling.get(slug);
    return this.runPoll(slug, attachments);
  }

  private onDue(due: [string, number][], now: number): void {
    const cron: { attachment: TriggerAttachment; tick: number; next: number | null }[] = [];
    for (const [key, tick] of due) {
      const [kind, id] = [key.slice(0, 1), key.slice(2)];
      if (kind === "p") {
        void this.track(this.runPoll(id, undefined, tick));
        continue;
      }
      const attachment = this.registry.byId.get(id);
      const schedule = attachment && this.registry.schedules.get(attachment.source.slug);
      if (!attachment || !schedule) continue;
      const next = schedule.next(now);
      if (next !== null) this.clock.set(key, next);
      cron.push({ attachment, tick, next });
    }
    if (cron.length) void this.track(this.fireCron(cron, false));
  }

  /** Delivers the ticks this process claims; the others are another replica's to deliver and record. */
  private async fireCron(
    due: { attachment: TriggerAttachment; tick: number; next: number | null }[],
    catchUp: boolean,
  ): Promise<void> {
    const claims = await Promise.all(
      due.map(({ attachment, tick }) => this.options.state.claimTick(attachment.id, tick)),
    );
    const ticks = due.filter((_, i) => claims[i]);
    if (ticks.length === 0) return;
    const outcomes = await Promise.all(
      ticks.map(({ attachment, tick }) =>
        this.scheduledDelivery(attachment, attachment.source.kind === "cron" ? attachment.source.payload : {}, {
          tick: new Date(tick).toISOString(),
          ...(catchUp ? { catchUp: true } : {}),
        }),
      ),
    );
    await commitOutcomes(
      this.options.state,
      outcomes.filter((o): o is Outcome => o !== undefined),
      ticks.map(({ attachment, next }) => ({ id: attachment.id, patch: { nextFireAt: next } })),
    );
  }

  /**
   * A scheduled tick: skipped (recorded) while the attachment's previous run is active, or with
   * `overlap: "queue"` started when it ends (recorded then; undefined is answered here).
   */
  private async scheduledDelivery(
    a: TriggerAttachment,
    payload: unknown,
    value: unknown,
  ): Promise<Outcome | undefined> {
    const active = this.gate.activeRun(a.id);
    if (active === undefined) return startDelivery(this.deps, this.gate, a, payload, value);
    if (a.overlap === "skip") return notStarted(a.id, "skipped", `the previous run ${active} is still active`);
    const turn = this.gate.enqueue(a.id);
    if (turn === false) return notStarted(a.id, "skipped", "the overlap queue is full");
    void this.track(
      turn.then(async () => {
        if (this.closed) return;
        await commitOutcomes(this.options.state, [await startDelivery(this.deps, this.gate, a, payload, value)]);
      }),
    );
    return undefined;
  }

  /** A tick of a poll: scheduled (`due`, the clock's due time; claimed first) or asked for now. */
  private runPoll(slug: string, only?: readonly TriggerAttachment[], due?: number): Promise<Outcome[]> {
    const run = (async () => {
      const source = this.registry.sources.get(slug);
      const schedule = this.registry.schedules.get(slug);
      if (source?.kind !== "poll" || !schedule) return [];
      const attachments = only ?? (await this.enabled(this.registry.bySource.get(slug) ?? []));
      if (attachments.length === 0) return [];
      const { state } = this.options;
      let next = schedule.next(Date.now());
      let lease: LeaseClaim | undefined;
      if (due !== undefined) {
        const claim = await claimScheduledPoll(state, slug, schedule, due, Date.now());
        if ("wakeAt" in claim) {
          if (!this.closed && claim.wakeAt !== null) this.clock.set(pollKey(slug), claim.wakeAt);
          return [];
        }
        next = schedule.next(claim.tick);
        lease = claim.lease;
      } else {
        lease = await claimPollNow(state, slug);
        if (!lease) {
          const reason = "another process is running a tick of this poll; try again when it ends";
          return attachments.map((a) => notStarted(a.id, "skipped", reason));
        }
      }
      const held = holdLease(state, slug, lease);
      try {
        const busy =
          due !== undefined ? attachments.filter((a) => a.overlap === "skip" && this.gate.activeRun(a.id)) : [];
        if (busy.length) {
          // Nothing is lost: the state stays, so the next tick finds these items again.
          await this.recordNotStarted(
            busy,
            "skipped",
            "the previous run is still active; the items wait for the next tick",
          );
          await held.stop();
          await state.update([{ id: pollStateId(slug), patch: { nextFireAt: next, leaseUntil: null } }]);
          if (!this.closed && next !== null) this.clock.set(pollKey(slug), next);
          return [];
        }
        const result = await pollTick(
          {
            state,
            // Overlap was settled for the whole tick above: each item of the tick starts its run.
            deliver: (a, payload, value) => startDelivery(this.deps, this.gate, a, payload, value),
            lease: held,
          },
          source,
          attachments,
          next,
        );
        if (!this.closed && result.nextFireAt !== null && !only) this.clock.set(pollKey(slug), result.nextFireAt);
        return result.outcomes;
      } finally {
        await held.stop();
      }
    })();
    const tracked = run
      .catch((error) => {
        // A tick the store failed under (claim, read or commit) is looked at again, not dropped.
        if (due !== undefined && !this.closed) this.clock.set(pollKey(slug), Date.now() + POLL_ERROR_RETRY_MS);
        throw error;
      })
      .finally(() => {
        if (this.polling.get(slug) === tracked) this.polling.delete(slug);
      });
    this.polling.set(slug, tracked);
    return tracked;
  }

  /** Puts every cron attachment and poll source on the clock; `atStart` fires the catch-ups. */
  private reconcile(atStart: boolean): void {
    this.reconciling = this.reconciling
      .then(() => this.doReconcile(atStart))
      .catch((error) => this.options.onError?.(error, "triggers"));
  }

  private async doReconcile(atStart: boolean): Promise<void> {
    if (this.closed) return;
    const registry = this.registry;
    const pollIds = [...registry.sources.values()].filter((s) => s.kind === "poll").map((s) => pollStateId(s.slug));
    const records = await this.options.state.get([...registry.byId.keys(), ...pollIds]);
    const plan = planSchedule(registry, records, {
      atStart,
      now: Date.now(),
      current: (key) => (this.clock.get(key) === undefined ? undefined : this.scheduled.get(key)),
      polling: (slug) => this.polling.has(slug),
    });
    for (const { key, dueAt, shape } of plan.set) {
      this.clock.set(key, dueAt);
      this.scheduled.set(key, shape);
    }
    this.clock.retain(plan.keep);
    for (const key of this.scheduled.keys()) if (!plan.keep.has(key)) this.scheduled.delete(key);
    await this.options.state.update(plan.patches);
    if (plan.catchUps.length) await this.track(this.fireCron(plan.catchUps, true));
  }

  /** After a restart: the workflow runs attachments started that are still active count for overlap. */
  private async trackActiveRuns(): Promise<void> {
    const records = await this.options.state.get([...this.registry.byId.keys()]);
    for (const record of records.values()) {
      if (!record.lastRunId) continue;
      const run = (await this.options.store.getRun(record.lastRunId))?.run;
      if (run?.kind !== "workflow" || !ACTIVE.has(run.status)) continue;
      const done = this.options.workflows.runtime.outcome(record.lastRunId).then(
        () => undefined,
        () => undefined,
      );
      this.gate.track(record.id, record.lastRunId, done);
    }
  }

  private track<T>(promise: Promise<T>): Promise<T | undefined> {
    const tracked = promise.catch((error) => {
      this.options.onError?.(error, "triggers");
      return undefined;
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return tracked;
  }
}
