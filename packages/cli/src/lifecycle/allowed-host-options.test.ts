import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";
import { addAllowedHostOption, allowedHostFlags, allowedHostsNote } from "./allowed-host-options.js";

function parse(args: string[]): string[] | undefined {
  const command = addAllowedHostOption(new Command("serve")).exitOverride();
  command.parse(args, { from: "user" });
  return parseOptions(z.object(allowedHostFlags), command.opts()).allowedHost;
}

afterEach(() => {
  delete process.env.KEYSTROKE_ALLOWED_HOSTS;
});

describe("--allowed-host", () => {
  it("repeats and takes commas", () => {
    expect(parse([])).toBeUndefined();
    expect(parse(["--allowed-host", "a.example", "--allowed-host", "b.example,c.example"])).toEqual([
      "a.example",
      "b.example",
      "c.example",
    ]);
  });

  it("reads KEYSTROKE_ALLOWED_HOSTS as a comma list when the flag is not given", () => {
    process.env.KEYSTROKE_ALLOWED_HOSTS = "tunnel.example.dev, keystroke.internal";
    expect(parse([])).toEqual(["tunnel.example.dev", "keystroke.internal"]);
    expect(parse(["--allowed-host", "flag.example"])).toEqual(["flag.example"]);
  });
});

describe("allowedHostsNote", () => {
  it("says nothing for the default loopback server, and warns on every interface with no names", () => {
    expect(allowedHostsNote("127.0.0.1", undefined)).toBeUndefined();
    expect(allowedHostsNote("0.0.0.0", undefined)).toContain("--allowed-host <name>");
    expect(allowedHostsNote("0.0.0.0", ["keystroke.example.com"])).toBe(
      "Host names answered: keystroke.example.com, 0.0.0.0 and loopback names",
    );
    expect(allowedHostsNote("192.168.1.20", undefined)).toBe("Host names answered: 192.168.1.20 and loopback names");
  });
});
