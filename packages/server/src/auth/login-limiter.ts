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
}

export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds until `keys` may try again, or 0 when they may now. */
  retryAfter(keys: readonly string[]): number {
    const now = this.now();
    let until = 0;
    for (const key of keys) until = Math.max(until, this.entries.get(key)?.lockedUntil ?? 0);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  failed(keys: readonly string[]): void {
    const now = this.now();
    for (const key of keys) {
      const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
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
    this.entries.delete(key);
  }
}
