import { monotonicFactory } from "ulid";
import { randomFraction, randomHex } from "./random-pool.js";

const nextUlid = monotonicFactory(randomFraction);

/** `run_` + ULID: sortable by creation time, unique across processes. */
export function newRunId(time?: number): string {
  return `run_${nextUlid(time)}`;
}

/** `ses_` + ULID, used when a caller starts a session without naming one. */
export function newSessionId(time?: number): string {
  return `ses_${nextUlid(time)}`;
}

/** `evt_` + ULID; producers give every event one so a retried batch is recognised. */
export function newEventId(time?: number): string {
  return `evt_${nextUlid(time)}`;
}

/** A 32-hex-digit OpenTelemetry trace id. */
export function newTraceId(): string {
  return randomHex(16);
}

/** A 16-hex-digit OpenTelemetry span id. */
export function newSpanId(): string {
  return randomHex(8);
}
