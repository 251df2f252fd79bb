/**
 * Where `keystroke auth login` keeps its sessions: one JSON file per user,
 * `$XDG_CONFIG_HOME/keystroke/credentials.json` (else `~/.config/keystroke/`; `KEYSTROKE_CONFIG_DIR`
 * names the folder instead). The folder is 0700 and the file 0600, and the file is replaced whole
 * (a temporary file renamed over it), so a crash mid-write never leaves half a token behind.
 * Nothing here prints a token: commands show the server, the email and the organization only.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { z } from "zod";

const serverLogin = z.object({
  token: z.string().min(1),
  email: z.string(),
  organization: z.string().optional(),
});

const credentialsSchema = z.object({
  current: z.string().optional(),
  servers: z.record(z.string(), serverLogin).default({}),
});

/** A sign-in to one server: its token, who it is, and the organization `config use org` chose. */
export type ServerLogin = z.output<typeof serverLogin>;

/** Every server signed in to, and the one commands use unless told otherwise. */
export type Credentials = z.output<typeof credentialsSchema>;

/**
 * @example
 * credentialsPath({ KEYSTROKE_CONFIG_DIR: "/tmp/ks" }); // → "/tmp/ks/credentials.json"
 */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME?.trim() || join(homedir(), ".config");
  const dir = env.KEYSTROKE_CONFIG_DIR?.trim() || join(configHome, "keystroke");
  return join(dir, "credentials.json");
}

/** The stored credentials; none when the file does not exist. */
export function readCredentials(path: string = credentialsPath()): Credentials {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (thrown) {
    if ((thrown as NodeJS.ErrnoException).code === "ENOENT") return { servers: {} };
    throw thrown;
  }
  let parsed: ReturnType<typeof credentialsSchema.safeParse> | undefined;
  try {
    parsed = credentialsSchema.safeParse(JSON.parse(raw));
  } catch {
    // reported below
  }
  if (parsed?.success) return parsed.data;
  throw new KeystrokeError("invalid_input", `Invalid ${path}: expected { "current", "servers": { "<url>": { … } } }`, {
    hint: "Delete the file and sign in again with `keystroke auth login`",
    details: { path },
  });
}

/** Replaces the file with `credentials`: a 0600 file in a 0700 folder, written atomically. */
export function writeCredentials(credentials: Credentials, path: string = credentialsPath()): void {
  const dir = dirname(path);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  const temporary = join(dir, `.credentials.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (thrown) {
    rmSync(temporary, { force: true });
    throw thrown;
  }
}

/** The key a server is stored under: its origin and path, without a trailing slash. */
export function serverKey(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "");
}

/** The sign-in stored for `server`, if any. */
export function loginFor(credentials: Credentials, server: string): ServerLogin | undefined {
  return Object.hasOwn(credentials.servers, serverKey(server)) ? credentials.servers[serverKey(server)] : undefined;
}

/** `credentials` with `login` stored for `server`, which becomes the current server. */
export function withLogin(credentials: Credentials, server: string, login: ServerLogin): Credentials {
  const key = serverKey(server);
  return { current: key, servers: { ...credentials.servers, [key]: login } };
}

/** `credentials` without `server`; it stops being the current server. */
export function withoutServer(credentials: Credentials, server: string): Credentials {
  const key = serverKey(server);
  const servers = Object.fromEntries(Object.entries(credentials.servers).filter(([url]) => url !== key));
  const current = credentials.current === key ? undefined : credentials.current;
  return current === undefined ? { servers } : { current, servers };
}
