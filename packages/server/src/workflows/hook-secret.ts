/**
 * The secret hook tokens are signed with. It must outlive a restart, or every resume URL handed
 * out before it would stop working: `KEYSTROKE_SECRET` when set (64 hex characters or more),
 * otherwise a file of 32 random bytes beside the database, readable by its owner only.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KeystrokeError } from "@keystroke/core";

export const SECRET_FILE = "secret";

/** @example const secret = loadHookSecret(".keystroke/keystroke.db"); */
export function loadHookSecret(dbPath: string, env: Record<string, string | undefined> = process.env): Uint8Array {
  const given = env.KEYSTROKE_SECRET;
  if (given) {
    if (!/^[0-9a-fA-F]{64,}$/.test(given)) {
      throw new KeystrokeError(
        "invalid_input",
        "KEYSTROKE_SECRET must be at least 64 hexadecimal characters (32 bytes)",
        {
          hint: "Make one with `openssl rand -hex 32`",
          details: { field: "KEYSTROKE_SECRET" },
        },
      );
    }
    return Buffer.from(given, "hex");
  }
  if (dbPath === ":memory:") return randomBytes(32);
  const file = join(dirname(dbPath), SECRET_FILE);
  if (existsSync(file)) {
    const secret = readFileSync(file);
    if (secret.length >= 32) return secret;
  }
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
