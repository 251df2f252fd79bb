/**
 * `--allowed-host <name>` for `keystroke serve` and `keystroke dev`: the Host names the server
 * answers besides localhost, 127.0.0.0/8 and [::1] (every other Host is refused, against DNS
 * rebinding). Repeatable and comma-separated, or KEYSTROKE_ALLOWED_HOSTS as a comma list.
 */
import { type Command, Option } from "commander";
import { collect, listFlag } from "../options/flag-schemas.js";

export const allowedHostFlags = { allowedHost: listFlag };

/** Adds `--allowed-host` (also read from KEYSTROKE_ALLOWED_HOSTS). */
export function addAllowedHostOption(command: Command): Command {
  return command.addOption(
    new Option(
      "--allowed-host <name>",
      "a Host name to answer besides localhost, 127.0.0.1 and [::1] (repeatable); needed with --host 0.0.0.0 and behind a tunnel or proxy",
    )
      .env("KEYSTROKE_ALLOWED_HOSTS")
      .argParser(collect),
  );
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const WILDCARD = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The status line about Host names, when there is something to say: the names answered besides
 * loopback ones, and on every interface with none given, that clients' names must be given.
 */
export function allowedHostsNote(host: string, allowedHosts: readonly string[] | undefined): string | undefined {
  const names = [...(allowedHosts ?? []), ...(LOOPBACK.has(host) ? [] : [host])];
  if (names.length === 0) return undefined;
  const note = `Host names answered: ${names.join(", ")} and loopback names`;
  if (WILDCARD.has(host) && !allowedHosts?.length) {
    return `${note}; name the ones clients use with --allowed-host <name> (or KEYSTROKE_ALLOWED_HOSTS)`;
  }
  return note;
}
