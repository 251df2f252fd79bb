/**
 * Sign-in attempts, limited per key (an email, a client address) and shared by every process on
 * the store, so replicas behind a load balancer limit guessing together: after 5 failures within
 * 15 minutes a key is locked for 15 minutes. An attempt counts while it is checked (`pending`), so
 * parallel guesses cannot outrun the limit; a process that dies mid-attempt leaves a pending
 * count that stops counting after a minute. A success clears the email's failures.
 *
 * The rules are here, as pure functions over a key's row; each store reads and writes the rows
 * of an attempt's keys in one transaction (PostgreSQL locks them, SQLite has one writer).
 */

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_MAX_FAILURES = 5;
/** How long an attempt in flight counts before it is taken for one whose process died. */
export const LOGIN_PENDING_MS = 60_000;

/** What the store keeps of one key. */
export interface LoginRow {
  /** Failures since `windowStart`. */
  failures: number;
  windowStart: number;
  lockedUntil: number;
  /** Attempts begun and not settled, the newest at `pendingAt`. */
  pending: number;
  pendingAt: number;
}

export const emptyLoginRow = (): LoginRow => ({
  failures: 0,
  windowStart: 0,
  lockedUntil: 0,
  pending: 0,
  pendingAt: 0,
});

const inWindow = (row: LoginRow, now: number) => (row.windowStart > now - LOGIN_WINDOW_MS ? row.failures : 0);
const pendingNow = (row: LoginRow, now: number) => (row.pendingAt > now - LOGIN_PENDING_MS ? row.pending : 0);

/** Milliseconds `row`'s key must wait before an attempt, or 0. */
export function loginWait(row: LoginRow, now: number): number {
  let until = row.lockedUntil;
  // Failures so far plus the attempts in flight reach the limit: wait like a lock would.
  if (inWindow(row, now) + pendingNow(row, now) >= LOGIN_MAX_FAILURES) until = Math.max(until, now + 1000);
  return Math.max(0, until - now);
}

/** The row once an attempt began. */
export function loginBegun(row: LoginRow, now: number): LoginRow {
  return { ...row, pending: pendingNow(row, now) + 1, pendingAt: now };
}

/** The row once an attempt ended: `clears` for the email of a success, else a failure counts. */
export function loginSettled(row: LoginRow, outcome: "failed" | "clears" | "succeeded", now: number): LoginRow {
  const settled = { ...row, pending: Math.max(0, pendingNow(row, now) - 1) };
  if (outcome === "clears") return { ...settled, failures: 0, windowStart: 0 };
  if (outcome === "succeeded") return settled;
  const failures = inWindow(row, now) + 1;
  const windowStart = failures === 1 ? now : row.windowStart;
  if (failures >= LOGIN_MAX_FAILURES)
    return { ...settled, failures: 0, windowStart: 0, lockedUntil: now + LOGIN_WINDOW_MS };
  return { ...settled, failures, windowStart };
}

/** When a row stops saying anything (no lock, no failure in the window, no attempt in flight): it may be forgotten then. */
export function loginIdleAt(row: LoginRow): number {
  return Math.max(row.lockedUntil, row.windowStart + LOGIN_WINDOW_MS, row.pendingAt + LOGIN_PENDING_MS);
}

/** How each key's row changes when an attempt ends: the first key (the email) is cleared by a success. */
export function settleOutcome(index: number, ok: boolean): "failed" | "clears" | "succeeded" {
  if (!ok) return "failed";
  return index === 0 ? "clears" : "succeeded";
}
