import { KeystrokeError } from "@keystroke/core";

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A sleep's length or end: `"1h"`, `"30s"`, `"1h30m"`, `"250ms"`, milliseconds, or a Date. */
export type SleepFor = string | number | Date;

/**
 * The time (epoch ms) a sleep that starts at `now` ends.
 *
 * @example
 * sleepUntil("1h30m", Date.now()); // now + 5,400,000
 */
export function sleepUntil(duration: SleepFor, now: number): number {
  if (duration instanceof Date) {
    const time = duration.getTime();
    if (Number.isNaN(time)) throw invalid(duration);
    return time;
  }
  if (typeof duration === "number") {
    if (!Number.isFinite(duration) || duration < 0) throw invalid(duration);
    return now + duration;
  }
  const text = String(duration).trim();
  const pieces = text.match(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/g);
  if (!pieces || pieces.join("").replace(/\s/g, "") !== text.replace(/\s/g, "")) throw invalid(duration);
  let total = 0;
  for (const piece of pieces) {
    const [, amount, unit] = piece.match(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/) ?? [];
    total += Number(amount) * (units[unit ?? ""] ?? Number.NaN);
  }
  if (!Number.isFinite(total)) throw invalid(duration);
  return now + total;
}

function invalid(value: unknown): KeystrokeError {
  return new KeystrokeError("invalid_input", `ctx.sleep(${JSON.stringify(value)}) is not a duration`, {
    hint: 'Pass "30s", "5m", "1h30m", "2d", a number of milliseconds or a Date',
    details: { field: "duration" },
  });
}
