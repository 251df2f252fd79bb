/**
 * Sign-in attempts, limited per email and per client address: after 5 failures within 15 minutes
 * the key is locked for 15 minutes (answered 429 with Retry-After), so a password cannot be
 * guessed faster than a few tries an hour. A success clears the email's count. Kept in memory:
 * each replica limits on its own, which bounds guessing by the replica count, not by the attempt.
 */
const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 5;
const MAX_KEYS = 100_000;

interface Entry {
  failures: number[];
  lockedUntil: number;
  /** Attempts being checked now: they count, so parallel guesses cannot outrun the limit. */
  pending: number;
}

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds until `keys` may try again, or 0 when they may now. */
  retryAfter(keys: readonly string[]): number {
    const now = this.now();
    let until = 0;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      until = Math.max(until, entry.lockedUntil);
      // Failures so far plus the attempts in flight reach the limit: wait like a lock would.
      const recent = entry.failures.filter((at) => at > now - WINDOW_MS).length;
      if (recent + entry.pending >= MAX_FAILURES) until = Math.max(until, now + 1000);
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /**
   * Starts an attempt: 0 when it may go on (then `settle` must follow), or the seconds to wait.
   * Counting the attempt while it is checked keeps parallel guesses within the limit.
   */
  begin(keys: readonly string[]): number {
    const wait = this.retryAfter(keys);
    if (wait > 0) return wait;
    for (const key of keys) this.entryOf(key).pending++;
    return 0;
  }

  /** Ends an attempt `begin` let through. */
  settle(keys: readonly string[], ok: boolean): void {
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) entry.pending = Math.max(0, entry.pending - 1);
    }
    if (ok) this.succeeded(keys[0] as string);
    else this.failed(keys);
  }

  private entryOf(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { failures: [], lockedUntil: 0, pending: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }

  failed(keys: readonly string[]): void {
    const now = this.now();
    for (const key of keys) {
      const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0, pending: 0 };
      entry.failures = [...entry.failures.filter((at) => at > now - WINDOW_MS), now];
      if (entry.failures.length >= MAX_FAILURES) {
        entry.lockedUntil = now + WINDOW_MS;
        entry.failures = [];
      }
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    // Oldest first: a flood of made-up emails cannot grow this without bound.
    while (this.entries.size > MAX_KEYS) this.entries.delete(this.entries.keys().next().value as string);
  }

  succeeded(key: string): void {
    const entry = this.entries.get(key);
    if (entry?.pending) entry.failures = [];
    else this.entries.delete(key);
  }
}
