import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { afterAll, describe, expect, it } from "vitest";
import {
  credentialsPath,
  loginFor,
  readCredentials,
  withLogin,
  withoutServer,
  writeCredentials,
} from "./credentials-file.js";

const root = mkdtempSync(join(tmpdir(), "keystroke-credentials-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ada = { token: "ses_ada", email: "ada@example.com" };

describe("credentialsPath", () => {
  it("is KEYSTROKE_CONFIG_DIR, else $XDG_CONFIG_HOME/keystroke, else ~/.config/keystroke", () => {
    expect(credentialsPath({ KEYSTROKE_CONFIG_DIR: "/a", XDG_CONFIG_HOME: "/b" })).toBe("/a/credentials.json");
    expect(credentialsPath({ XDG_CONFIG_HOME: "/b" })).toBe("/b/keystroke/credentials.json");
    expect(credentialsPath({ XDG_CONFIG_HOME: " " })).toBe(join(homedir(), ".config", "keystroke", "credentials.json"));
  });
});

describe("the credentials file", () => {
  it("reads as empty before anything is stored", () => {
    expect(readCredentials(join(root, "none", "credentials.json"))).toEqual({ servers: {} });
  });

  it("is written 0600 in a 0700 folder it creates, and reads back", () => {
    const path = credentialsPath({ KEYSTROKE_CONFIG_DIR: join(root, "fresh", "keystroke") });
    const credentials = withLogin({ servers: {} }, "https://team.example.com/", ada);
    writeCredentials(credentials, path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, "fresh", "keystroke")).mode & 0o777).toBe(0o700);
    expect(readCredentials(path)).toEqual({
      current: "https://team.example.com",
      servers: { "https://team.example.com": ada },
    });
  });

  it("is replaced whole by a rename, leaving no temporary file", () => {
    const path = credentialsPath({ KEYSTROKE_CONFIG_DIR: join(root, "atomic") });
    writeCredentials(withLogin({ servers: {} }, "https://one.test", ada), path);
    chmodSync(path, 0o644);
    const before = statSync(path).ino;
    writeCredentials(withLogin(readCredentials(path), "https://two.test", { ...ada, organization: "acme" }), path);
    expect(statSync(path).ino).not.toBe(before);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, "atomic"))).toEqual(["credentials.json"]);
    expect(Object.keys(readCredentials(path).servers)).toEqual(["https://one.test", "https://two.test"]);
  });

  it("refuses a file that is not credentials, naming it", () => {
    const path = join(root, "broken.json");
    writeFileSync(path, '{ "servers": { "https://x.test": { "email": "a@b.c" } } }');
    expect(() => readCredentials(path)).toThrow(KeystrokeError);
    expect(() => readCredentials(path)).toThrow(`Invalid ${path}`);
  });
});

describe("logins", () => {
  it("are keyed by the server's URL without a trailing slash; removing the current one unsets it", () => {
    const both = withLogin(withLogin({ servers: {} }, "https://one.test/", ada), "https://two.test", ada);
    expect(both.current).toBe("https://two.test");
    expect(loginFor(both, "https://one.test")).toEqual(ada);
    expect(loginFor(both, "https://three.test")).toBeUndefined();
    expect(withoutServer(both, "https://two.test/")).toEqual({ servers: { "https://one.test": ada } });
    expect(withoutServer(both, "https://one.test")).toEqual({
      current: "https://two.test",
      servers: { "https://two.test": ada },
    });
  });
});
