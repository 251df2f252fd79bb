/**
 * Reading single query parameters: `limit`, cursors, `after`. Each one names itself when it is
 * wrong, so a client sees which parameter to fix.
 */
import { KeystrokeError, type QueryParams } from "@keystroke/core";

function invalidParam(name: string, message: string, hint?: string): KeystrokeError {
  return new KeystrokeError("invalid_input", `Invalid ${name}: ${message}`, {
    hint,
    details: { problems: [{ path: name, message }] },
  });
}

/** The value of a parameter given at most once; `undefined` when absent or empty. */
export function singleParam(query: QueryParams, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    if (value.length > 1) throw invalidParam(name, "given more than once", `Pass ${name} once`);
    return value[0] === "" ? undefined : value[0];
  }
  return value === "" ? undefined : value;
}

/** An integer parameter within [min, max]. */
export function integerParam(query: QueryParams, name: string, min: number, max: number): number | undefined {
  const text = singleParam(query, name);
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidParam(name, `expected an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}
