import { describe, expect, it } from "vitest";
import { hostNameOf, isLoopbackName, normalizeAllowedHosts } from "./host-names.js";

describe("host names", () => {
  it("reads the name from a Host header, without port, case or trailing dot", () => {
    expect(hostNameOf("Keystroke.Example.COM.:443")).toBe("keystroke.example.com");
    expect(hostNameOf("[::1]:3400")).toBe("[::1]");
    expect(hostNameOf("user@127.0.0.1")).toBeUndefined();
    expect(hostNameOf("example.com/path")).toBeUndefined();
    expect(hostNameOf(undefined)).toBeUndefined();
  });

  it("knows loopback names: localhost, 127.0.0.0/8 and [::1]", () => {
    expect(["localhost", "127.0.0.1", "127.255.0.9", "[::1]"].every(isLoopbackName)).toBe(true);
    expect(["localhost.example", "127.0.0.1.nip.io", "127.0.0.300", "10.0.0.1", "[::2]"].some(isLoopbackName)).toBe(
      false,
    );
  });

  it("takes configured names with or without port or IPv6 brackets, and refuses what is not a name", () => {
    expect([...normalizeAllowedHosts(["Tunnel.Example.dev", "box:8080", "2001:db8::1", "[2001:db8::2]"])]).toEqual([
      "tunnel.example.dev",
      "box",
      "[2001:db8::1]",
      "[2001:db8::2]",
    ]);
    expect(() => normalizeAllowedHosts(["https://keystroke.example.com/"])).toThrow(
      expect.objectContaining({
        code: "invalid_input",
        message: expect.stringContaining('"https://keystroke.example.com/"'),
      }),
    );
  });
});
