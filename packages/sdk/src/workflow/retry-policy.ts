import { KeystrokeError } from "@keystroke/core";

/**
 * How a failed step is tried again: `attempts` in all (1 = no retry), waiting `initialMs` before
 * the second, then `factor` times longer each time, at most `maxMs`. A number is the attempts.
 *
 * @example
 * ctx.step("charge", () => stripe.charge(order), { retry: { attempts: 5, initialMs: 500 } });
 */
export type RetryPolicy = number | { attempts: number; initialMs?: number; factor?: number; maxMs?: number };

export interface ResolvedRetry {
  attempts: number;
  initialMs: number;
  factor: number;
  maxMs: number;
}

export const noRetry: ResolvedRetry = { attempts: 1, initialMs: 1000, factor: 2, maxMs: 60_000 };

/** Checks a policy, naming the field that is wrong. */
export function resolveRetry(policy: RetryPolicy | undefined, field = "retry"): ResolvedRetry {
  if (policy === undefined) return noRetry;
  const given = typeof policy === "number" ? { attempts: policy } : policy;
  const resolved = { ...noRetry, ...given };
  const bad = (name: string, expected: string) =>
    new KeystrokeError("invalid_input", `${field}.${name} must be ${expected}`, {
      details: { field: `${field}.${name}` },
    });
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1 || resolved.attempts > 100)
    throw bad("attempts", "an integer from 1 to 100");
  if (!(resolved.initialMs >= 0)) throw bad("initialMs", "a number of milliseconds ≥ 0");
  if (!(resolved.factor >= 1)) throw bad("factor", "a number ≥ 1");
  if (!(resolved.maxMs >= resolved.initialMs)) throw bad("maxMs", "at least initialMs");
  return resolved;
}

/** How long to wait before attempt `next` (2 or more). */
export function backoffMs(policy: ResolvedRetry, next: number): number {
  return Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, next - 2));
}
