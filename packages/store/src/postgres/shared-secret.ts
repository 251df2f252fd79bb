/**
 * A secret every replica must share (hook tokens are signed with it), kept in the database's
 * `server_settings` when the operator did not give one: the first replica to start makes 32
 * random bytes, and the insert that loses a race reads the winner's.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";

/** @example const hookSecret = await loadSharedSecret(store.pool, "hook_secret"); */
export async function loadSharedSecret(pool: pg.Pool, key: string): Promise<Uint8Array> {
  await pool.query("INSERT INTO server_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [
    key,
    randomBytes(32).toString("hex"),
  ]);
  const { rows } = await pool.query<{ value: string }>("SELECT value FROM server_settings WHERE key = $1", [key]);
  const value = rows[0]?.value;
  if (!value) throw new Error(`The shared setting ${key} could not be read back`);
  return Buffer.from(value, "hex");
}
