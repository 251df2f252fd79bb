/**
 * Host names as the Host header and --allowed-host give them: `name`, `name:port`, `[v6]` or
 * `[v6]:port`, compared lowercased, without the port and without a trailing dot. Anything else
 * (user info, paths, spaces) is not a host name and is never allowed.
 */
import { KeystrokeError } from "@keystroke/core";

const HOST_HEADER = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9_.-]+))(?::(\d{1,5}))?$/;
const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The host name a Host header (or an --allowed-host value) names, normalized; undefined when it
 * is not a host name.
 *
 * @example
 * hostNameOf("LocalHost.:3400"); // "localhost"
 * hostNameOf("[::1]:3400"); // "[::1]"
 */
export function hostNameOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = HOST_HEADER.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  if (match[1] !== undefined) return `[${match[1]}]`;
  const name = (match[2] as string).replace(/\.$/, "");
  return name === "" ? undefined : name;
}

/** Whether a normalized host name is this machine: localhost, 127.0.0.0/8 or [::1]. */
export function isLoopbackName(name: string): boolean {
  if (name === "localhost" || name === "[::1]") return true;
  const v4 = IPV4_LOOPBACK.exec(name);
  return v4?.slice(1).every((octet) => Number(octet) <= 255) ?? false;
}

/**
 * Normalizes the names a server is configured to serve; an IPv6 address may be given with or
 * without brackets. Throws `invalid_input` naming a value that is not a host name.
 */
export function normalizeAllowedHosts(names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const given of names) {
    const bare = given.trim();
    const ipv6 = !bare.startsWith("[") && bare.split(":").length > 2;
    const name = hostNameOf(ipv6 ? `[${bare}]` : bare);
    if (name === undefined) {
      throw new KeystrokeError(
        "invalid_input",
        `Invalid allowed host "${given}": expected a host name such as example.com`,
        {
          hint: "Give the name alone, as clients put it in the URL: --allowed-host example.com (no scheme, no path)",
        },
      );
    }
    out.add(name);
  }
  return out;
}
