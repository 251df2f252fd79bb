/**
 * Remembers what the Slack gateway has already taken, so it answers once: Slack retries a
 * delivery (same `event_id`) it thinks was not acknowledged, and one message may arrive as two
 * events (`app_mention` and `message`). Kept in memory, bounded in count and age: Slack's retries
 * come within minutes, so an hour is plenty. A restart forgets; see the README's Slack section.
 */

export interface SeenKeysOptions {
  /** Oldest entries are dropped past this many. Default 10,000. */
  maxEntries?: number;
  /** Entries older than this are forgotten. Default one hour. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * A bounded set with expiry; `add` says whether the key is new.
 *
 * @example
 * const seen = new SeenKeys();
 * seen.add("Ev123"); // true
 * seen.add("Ev123"); // false
 */
export class SeenKeys {
  private readonly entries = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: SeenKeysOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Records `key`; true when it was not seen within the time to live. */
  add(key: string): boolean {
    const now = this.now();
    const seenAt = this.entries.get(key);
    if (seenAt !== undefined && now - seenAt < this.ttlMs) return false;
    this.entries.delete(key);
    this.entries.set(key, now);
    // Map keeps insertion order: the first entries are the oldest.
    for (const [oldest, at] of this.entries) {
      if (this.entries.size <= this.maxEntries && now - at < this.ttlMs) break;
      this.entries.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
