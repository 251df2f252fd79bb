/**
 * The keyset cursor of a run list. It is the (trigger time, run id) pair of the last row served:
 * the list is ordered by that pair, so the next page is "rows strictly after it", which stays
 * correct while new runs arrive and costs an index seek rather than an OFFSET scan. It is
 * base64url-encoded so clients treat it as opaque.
 */
import { KeystrokeError } from "../errors/keystroke-error.js";

export interface RunCursor {
  /** Trigger time of the last row, epoch milliseconds. */
  time: number;
  runId: string;
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(value: string): string {
  const binary = atob(value.replaceAll("-", "+").replaceAll("_", "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

export function encodeCursor(cursor: RunCursor): string {
  return toBase64Url(JSON.stringify([1, cursor.time, cursor.runId]));
}

export function decodeCursor(value: string): RunCursor {
  try {
    const parsed: unknown = JSON.parse(fromBase64Url(value));
    if (Array.isArray(parsed) && parsed[0] === 1 && Number.isInteger(parsed[1]) && typeof parsed[2] === "string") {
      return { time: parsed[1] as number, runId: parsed[2] };
    }
  } catch {
    // fall through to the error below
  }
  throw new KeystrokeError("invalid_input", "Invalid cursor", {
    hint: "Pass the nextCursor value of a previous page unchanged",
    details: { problems: [{ path: "cursor", message: "not a cursor this server issued" }] },
  });
}

/** Generic opaque cursor for paged detail lists (messages, spans, logs): an encoded position. */
export function encodePosition(position: readonly (string | number)[]): string {
  return toBase64Url(JSON.stringify(position));
}

export function decodePosition(value: string, field: string): (string | number)[] {
  try {
    const parsed: unknown = JSON.parse(fromBase64Url(value));
    if (Array.isArray(parsed) && parsed.every((p) => typeof p === "string" || typeof p === "number")) return parsed;
  } catch {
    // fall through
  }
  throw invalidPosition(field);
}

/**
 * A position of whole numbers, as many as one of `lengths` (a message's time in milliseconds and
 * its places, say), refused as `field` when the cursor holds anything else.
 */
export function decodeIntegerPosition(value: string, field: string, lengths: readonly number[]): number[] {
  const position = decodePosition(value, field);
  if (!lengths.includes(position.length) || !position.every((p) => typeof p === "number" && Number.isSafeInteger(p))) {
    throw invalidPosition(field);
  }
  return position as number[];
}

function invalidPosition(field: string): KeystrokeError {
  return new KeystrokeError("invalid_input", `Invalid ${field}`, {
    hint: "Pass the cursor value of a previous page unchanged",
    details: { problems: [{ path: field, message: "not a cursor this server issued" }] },
  });
}
