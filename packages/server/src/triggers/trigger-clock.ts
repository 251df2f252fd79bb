/**
 * One timer for every scheduled trigger. Each cron attachment and poll source has a due time; the
 * clock sleeps until the earliest one, then hands every entry due by then to the handler in one
 * call. A thousand cron attachments cost one wake-up per distinct due second, never a timer each.
 * The due times themselves live in the store; this is only the in-memory alarm over them.
 */

/** Node caps a timer at 2^31-1 ms; longer sleeps wake early and re-arm. */
const MAX_SLEEP_MS = 2 ** 31 - 1;

export class TriggerClock {
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private stopped = true;
  /** Times the timer fired (a benchmark figure: at most one per distinct due time). */
  wakeups = 0;

  /** `onDue` must not block: it starts what is due and sets the next due times (`set`) as it goes. */
  constructor(private readonly onDue: (due: [id: string, dueAt: number][], now: number) => void) {}

  /** Sets (or with null, drops) the due time of `id` and re-arms when it is the earliest. */
  set(id: string, dueAt: number | null): void {
    if (dueAt === null) this.due.delete(id);
    else this.due.set(id, dueAt);
    this.arm();
  }

  /** The due time of `id`, if it has one. */
  get(id: string): number | undefined {
    return this.due.get(id);
  }

  /** Drops every entry not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const id of this.due.keys()) if (!keep.has(id)) this.due.delete(id);
    this.arm();
  }

  start(): void {
    this.stopped = false;
    this.arm();
  }

  /** Stops the alarm; entries are kept. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    if (this.stopped) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const at of this.due.values()) if (at < earliest) earliest = at;
    if (earliest === this.armedFor) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = earliest;
    if (earliest === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(Math.max(0, earliest - Date.now()), MAX_SLEEP_MS);
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref?.();
  }

  private wake(): void {
    this.wakeups++;
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = Date.now();
    const due = [...this.due].filter(([, at]) => at <= now);
    for (const [id] of due) this.due.delete(id);
    try {
      if (due.length) this.onDue(due, now);
    } finally {
      this.arm();
    }
  }
}
