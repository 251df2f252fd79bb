/**
 * Which server a command talks to. Resolution order: the --url flag, then KEYSTROKE_URL, then
 * the `.keystroke/dev.json` a local server wrote in this directory or an ancestor, then the
 * project linked in keystroke.config.ts (its organization and project, or --organization) on the
 * server `keystroke auth login` signed in to, then the default local address. A target on a
 * server the user signed in to carries the stored token and the organization to act in; a local
 * dev server never gets a token.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { type Credentials, credentialsPath, loginFor, readCredentials } from "../credentials/credentials-file.js";
import { type ProjectLink, readLinkedConfig } from "../project-config/project-link.js";

/** Where `keystroke serve` listens by default. */
export const DEFAULT_URL = "http://127.0.0.1:3400";

/** The resolved server, where its URL came from and, on a server signed in to, who acts where. */
export interface Target {
  url: string;
  /** Where the URL came from, in words: "--url", "KEYSTROKE_URL", a dev.json path, or "the default". */
  source: string;
  /** The stored session token for this server; never printed. */
  token?: string;
  /** Who the token signs in as. */
  email?: string;
  /** The organization requests act in (sent as `x-keystroke-organization`). */
  organization?: string;
  /** The linked project. */
  project?: string;
}

/** What resolution reads; each defaults to this process's own. */
export interface TargetInputs {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The global --organization and --project, which override the linked project's. */
  scope?: ProjectLink;
  /** The stored sign-ins; read from the credentials file when not given. */
  credentials?: Credentials;
}

/**
 * @example
 * resolveTarget({ flag: undefined, env: process.env, cwd: process.cwd() });
 * // → { url: "http://127.0.0.1:3400", source: "the default" }
 */
export function resolveTarget(inputs: TargetInputs): Target {
  const { env = process.env, cwd = process.cwd(), scope = {} } = inputs;
  const stored = () => inputs.credentials ?? readCredentials(credentialsPath(env));
  const named = namedTarget(inputs.flag, env);
  if (named) return signedIn(named, stored(), scope);
  const devFile = findDevFile(cwd);
  if (devFile !== undefined) return { url: readDevFile(devFile), source: devFile };
  return linkedTarget(cwd, scope, stored()) ?? { url: DEFAULT_URL, source: "the default" };
}

/**
 * The server of account commands (`auth`, `projects`, `api-key`, `config`): --url, then
 * KEYSTROKE_URL, then the server `keystroke auth login` signed in to last.
 */
export function resolveAccountTarget(inputs: Omit<TargetInputs, "cwd">): Target {
  const { env = process.env, scope = {} } = inputs;
  const credentials = inputs.credentials ?? readCredentials(credentialsPath(env));
  const named = namedTarget(inputs.flag, env);
  if (named) return signedIn(named, credentials, scope);
  if (credentials.current !== undefined) {
    return signedIn({ url: credentials.current, source: "the last `keystroke auth login`" }, credentials, scope);
  }
  throw new KeystrokeError("unauthorized", "Not signed in to any Keystroke server", {
    hint: "Sign in with `keystroke auth login --server <url>` (or set KEYSTROKE_URL)",
  });
}

/** The server --url or else KEYSTROKE_URL names, if either does. */
function namedTarget(flag: string | undefined, env: NodeJS.ProcessEnv): Target | undefined {
  if (flag !== undefined) return { url: checkUrl(flag, "--url"), source: "--url" };
  const fromEnv = env.KEYSTROKE_URL?.trim();
  return fromEnv ? { url: checkUrl(fromEnv, "KEYSTROKE_URL"), source: "KEYSTROKE_URL" } : undefined;
}

function signedIn(target: Target, credentials: Credentials, scope: ProjectLink): Target {
  const login = loginFor(credentials, target.url);
  if (!login) return target;
  const organization = scope.organization ?? login.organization;
  return {
    ...target,
    token: login.token,
    email: login.email,
    ...(organization ? { organization } : {}),
    ...(scope.project ? { project: scope.project } : {}),
  };
}

function linkedTarget(cwd: string, scope: ProjectLink, credentials: Credentials): Target | undefined {
  const server = credentials.current;
  const login = server === undefined ? undefined : loginFor(credentials, server);
  if (server === undefined || !login) return undefined;
  const linked = readLinkedConfig(cwd);
  const organization = scope.organization ?? linked?.link.organization;
  if (!organization) return undefined;
  const project = scope.project ?? linked?.link.project;
  return {
    url: server,
    source: scope.organization || !linked ? "--organization" : `the project linked in ${linked.path}`,
    token: login.token,
    email: login.email,
    organization,
    ...(project ? { project } : {}),
  };
}

/**
 * `http://127.0.0.1:3400 (from KEYSTROKE_URL)`, or on a server signed in to
 * `https://keystroke.example.com (organization acme, project support, as ada@example.com; from …)`.
 */
export function describeTarget(target: Target): string {
  const { url, source, organization, project, email } = target;
  const who = [
    organization && `organization ${organization}`,
    project && `project ${project}`,
    email && `as ${email}`,
  ].filter(Boolean);
  const from = source === "the default" ? source : `from ${source}`;
  return who.length > 0 ? `${url} (${who.join(", ")}; ${from})` : `${url} (${from})`;
}

function findDevFile(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, ".keystroke", "dev.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (thrown) {
    return (thrown as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readDevFile(path: string): string {
  let file: { url?: unknown; pid?: unknown } | null;
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as { url?: unknown; pid?: unknown } | null;
  } catch (thrown) {
    throw invalidDevFile(path, thrown);
  }
  const url = file?.url;
  if (typeof url !== "string") throw invalidDevFile(path);
  if (typeof file?.pid === "number" && !isRunning(file.pid)) {
    throw new KeystrokeError("unreachable", `The dev server that wrote ${path} (process ${file.pid}) is not running`, {
      hint: "Start it again with `keystroke dev`, point --url / KEYSTROKE_URL elsewhere, or delete the file",
      details: { path, url, pid: file.pid },
    });
  }
  return checkUrl(url, path);
}

function invalidDevFile(path: string, cause?: unknown): KeystrokeError {
  return new KeystrokeError("invalid_input", `Invalid ${path}: expected { "url": "http://…" }`, {
    hint: "Restart the local server so it writes the file again, or delete it",
    details: { problems: [{ path, message: 'expected { "url": "http://…" }' }] },
    cause,
  });
}

/** `value` when it is an http(s) URL; otherwise `invalid_input` naming `from` (a flag or a file). */
export function checkUrl(value: string, from: string): string {
  let protocol = "";
  try {
    protocol = new URL(value).protocol;
  } catch {
    // reported below
  }
  if (protocol === "http:" || protocol === "https:") return value;
  throw new KeystrokeError("invalid_input", `Invalid ${from} "${value}": expected an http(s) URL`, {
    hint: "Use a URL such as http://127.0.0.1:3400",
    details: { problems: [{ path: from, message: "expected an http(s) URL" }] },
  });
}
