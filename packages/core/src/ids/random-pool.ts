/**
 * Cryptographically random bytes drawn from a pool refilled 4 KiB at a time. Ids are minted on
 * the recording hot path (every event, every span); one `randomFillSync` per 4 KiB instead of one
 * call per id keeps that cheap without giving up unpredictable ids.
 */
import { randomFillSync } from "node:crypto";

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** `count` random bytes (at most 4 KiB) from the pool, as a view valid until the next call. */
export function randomBytesFromPool(count: number): Buffer {
  if (offset + count > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + count);
  offset += count;
  return bytes;
}

/** A random float in [0, 1), the PRNG shape ULID generation asks for. */
export function randomFraction(): number {
  return randomBytesFromPool(4).readUInt32BE(0) / 0x1_0000_0000;
}

/** `bytes` random bytes as lowercase hex: 16 for an OpenTelemetry trace id, 8 for a span id. */
export function randomHex(bytes: number): string {
  return randomBytesFromPool(bytes).toString("hex");
}
