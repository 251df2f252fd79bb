/**
 * The loop that delivers due timers, shared by both schedulers: it sleeps until the earliest due
 * time it knows of (at most `maxSleepMs`, after which it looks again — another process may have
 * scheduled an earlier one), claims what is due in pages of 500 under a lease, hands each timer
 * to the handler with at most 64 in flight, and completes it, or fails it for a retry with a
 * backoff (1 s, 2 s … 1 min). So ten thousand sleepers due at once wake without a stampede, and a
 * timer is removed only once its handler resolved.
 */
import type { DueTimer } from "./scheduler.js";

const PAGE = 500;
const IN_FLIGHT = 64;
const RETRY_MS = 1_000;

/** What the loop needs of a scheduler's storage. */
export interface TimerSource {
  nextDue(): Promise<number | null>;
  claimDue(now: number, limit: number, leaseMs: number): Promise<DueTimer[]>;
  complete(timer: DueTimer): Promise<void>;
  fail(timer: DueTimer, retryAt: number): Promise<void>;
}

export class DeliveryLoop {
  private handler: ((timer: DueTimer) => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;

  constructor(
    private readonly source: TimerSource,
    private readonly options: { maxSleepMs: number; leaseMs: number },
  ) {}

  start(handler: (timer: DueTimer) => Promise<void>): void {
    this.handler = handler;
    this.arm(0);
  }

  async stop(): Promise<void> {
    this.handler = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** A timer was scheduled for `dueAt`: wake sooner if the loop sleeps past it. */
  scheduled(dueAt: number): void {
    if (this.handler && dueAt < this.armedFor) this.arm(dueAt - Date.now());
  }

  private arm(delayMs: number): void {
    if (!this.handler) return;
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.options.maxSleepMs, delayMs));
    this.armedFor = Date.now() + wait;
    this.timer = setTimeout(() => void this.tick(), wait);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.armedFor = Number.POSITIVE_INFINITY;
    // A storage failure (a lost connection) is retried on the next tick, not thrown from a timer.
    this.ticking = this.deliver().catch(() => undefined);
    await this.ticking;
    this.ticking = undefined;
    if (!this.handler) return;
    if (this.tickAgain) {
      this.tickAgain = false;
      this.arm(0);
      return;
    }
    const next = await this.source.nextDue().catch(() => Date.now() + this.options.maxSleepMs);
    this.arm(next === null ? this.options.maxSleepMs : next - Date.now());
  }

  /** Claims and handles due timers page by page until none is due. */
  private async deliver(): Promise<void> {
    for (;;) {
      const handler = this.handler;
      if (!handler) return;
      const due = await this.source.claimDue(Date.now(), PAGE, this.options.leaseMs);
      let next = 0;
      const worker = async () => {
        while (next < due.length) {
          const timer = due[next++] as DueTimer;
          try {
            await handler(timer);
            await this.source.complete(timer);
          } catch {
            const retryAt = Date.now() + RETRY_MS * Math.min(60, 2 ** (timer.attempt - 1));
            await this.source.fail(timer, retryAt).catch(() => undefined);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, due.length) }, worker));
      if (due.length < PAGE) return;
    }
  }
}
