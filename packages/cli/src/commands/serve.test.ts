import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeystrokeClient } from "keystroke/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runCli } from "../testing/run-cli.js";
import { startServeProcess } from "../testing/serve-process.js";

describe("keystroke serve", () => {
  let dir: string;

  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), "keystroke-serve-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(["SIGTERM", "SIGINT"] as const)("listens on the port it picked and closes cleanly on %s", async (signal) => {
    const dbPath = join(dir, signal, "keystroke.db");
    const serve = await startServeProcess(["--port", "0", "--db", dbPath]);
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve.url).not.toMatch(/:0$/);
    expect(existsSync(dbPath)).toBe(true);
    const health = await new KeystrokeClient({ baseUrl: serve.url }).health();
    expect(health.status).toBe("ok");

    serve.child.kill(signal);
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    // Auth is on by default: an empty server prints the one-time link that creates its first organization.
    const setup = /No user yet: create the first organization at (\S+)\n/.exec(serve.output().stdout);
    expect(setup?.[1]).toMatch(new RegExp(`^${serve.url}/setup#[A-Za-z0-9_-]{43}$`));
    expect(serve.output().stdout).toBe(
      `Keystroke is listening on ${serve.url}\nDatabase: ${dbPath}\n${setup?.[0]}Keystroke stopped\n`,
    );
    expect(serve.output().stderr).toBe("");
  });

  it("asks for a credential on /api unless --no-auth, which it says aloud", async () => {
    const guarded = await startServeProcess(["--port", "0", "--db", join(dir, "guarded.db")]);
    const open = await startServeProcess(["--port", "0", "--db", join(dir, "open.db"), "--no-auth"]);
    try {
      expect((await fetch(`${guarded.url}/api/history`)).status).toBe(401);
      expect((await fetch(`${open.url}/api/history`)).status).toBe(200);
      expect(open.output().stdout).toContain("Auth is off (--no-auth): anyone who reaches this server can use it");
      expect(open.output().stdout).not.toContain("setup#");
    } finally {
      for (const server of [guarded, open]) server.child.kill("SIGTERM");
      await Promise.all([guarded.exited, open.exited]);
    }
  });

  it("fails with exit 1 when the port is taken", async () => {
    const first = await startServeProcess(["--port", "0", "--db", join(dir, "first.db")]);
    const port = new URL(first.url).port;
    const second = await runCli(["serve", "--port", port, "--db", join(dir, "second.db")]);
    first.child.kill("SIGTERM");
    await first.exited;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Error: Port ${port} on 127.0.0.1 is already in use`);
    expect(second.stderr).toContain("Hint: Stop the other server, or pick another port with --port");
  });

  it.each([
    [["--port", "http"], 'Invalid --port "http": expected an integer from 0 to 65535'],
    [["--port", "70000"], 'Invalid --port "70000": expected an integer from 0 to 65535'],
  ])("refuses %j", async (flags, message) => {
    const result = await runCli(["serve", ...flags, "--db", join(dir, "never.db")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: ${message}`);
  });
});
