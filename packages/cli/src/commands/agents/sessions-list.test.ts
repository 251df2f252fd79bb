import type { RunSummary } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../server/src/testing/test-server.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { type SeededHistory, seedHistory } from "../../testing/seed-runs.js";

interface SessionList {
  sessions: RunSummary[];
  nextCursor: string | null;
}

describe("keystroke agents sessions list", () => {
  let server: TestServer;
  let seeded: SeededHistory;
  const list = async (...args: string[]) =>
    (await runCliJson<SessionList>(["agents", "sessions", "list", "--url", server.url, ...args])).json;

  beforeAll(async () => {
    assertBuilt();
    server = await startTestServer();
    seeded = await seedHistory(server.client);
  });
  afterAll(() => server?.close());

  it("prints { sessions, nextCursor } for an agent, newest first", async () => {
    const page = await list("support");
    expect(Object.keys(page).sort()).toEqual(["nextCursor", "sessions"]);
    expect(page.sessions.map((s) => s.sessionId)).toEqual(["ses_failed", "ses_answered", "ses_long"]);
    expect(page.sessions.every((s) => s.kind === "agent" && s.slug === "support")).toBe(true);
    expect(page.nextCursor).toBeNull();
  });

  it("filters by --status and --project", async () => {
    expect((await list("support", "--status", "failed")).sessions.map((s) => s.runId)).toEqual([seeded.failed.runId]);
    expect((await list("triage", "--project", "ops")).sessions.map((s) => s.runId)).toEqual([seeded.triage.runId]);
    expect((await list("triage", "--project", "acme")).sessions).toEqual([]);
  });

  it("pages with --limit and --cursor", async () => {
    const first = await list("support", "--limit", "2");
    expect(first.sessions.map((s) => s.sessionId)).toEqual(["ses_failed", "ses_answered"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list("support", "--limit", "2", "--cursor", first.nextCursor ?? "");
    expect(second.sessions.map((s) => s.sessionId)).toEqual(["ses_long"]);
    expect(second.nextCursor).toBeNull();
  });

  it("lists nothing for an agent without sessions", async () => {
    expect(await list("nobody")).toEqual({ sessions: [], nextCursor: null });
  });

  it.each([
    [["--status", "nope"], 'Error: Invalid --status "nope"'],
    [["--limit", "1001"], 'Error: Invalid --limit "1001": expected an integer from 1 to 1000'],
    [["--kind", "agent"], "Error: unknown option '--kind'"],
  ])("fails on %j with exit 1", async (flags, message) => {
    const result = await runCli(["agents", "sessions", "list", "support", "--url", server.url, ...flags]);
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")[0]).toContain(message);
    expect(result.stderr).toContain("Hint: ");
  });
});
