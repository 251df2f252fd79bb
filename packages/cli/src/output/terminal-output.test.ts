/**
 * What a person sees at a terminal: the CLI runs on a pseudo-terminal (testing/on-terminal.ts), so
 * stdout and stderr are TTYs.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../server/src/testing/test-server.js";
import { hasScript, onTerminal } from "../testing/on-terminal.js";
import { assertBuilt } from "../testing/run-cli.js";
import { long, type SeededHistory, seedHistory } from "../testing/seed-runs.js";

describe.skipIf(!hasScript)("keystroke on a terminal", () => {
  let server: TestServer;
  let seeded: SeededHistory;
  let dir: string;

  beforeAll(async () => {
    assertBuilt();
    server = await startTestServer();
    seeded = await seedHistory(server.client);
    dir = mkdtempSync(join(tmpdir(), "keystroke-tty-"));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows History as a table with the catalog labels", async () => {
    const { code, screen } = await onTerminal(["history", "list", "--url", server.url, "--limit", "3"]);
    expect(code).toBe(0);
    const [header, ...rows] = screen.trim().split("\n");
    expect(header).toMatch(/^Run ID\s+Name\s+Type\s+Start time\s+Actor\s+Status\s+Trigger\s+Duration\s+Project$/);
    expect(rows[0]).toContain("Nightly report");
    expect(rows[0]).toContain("Running");
    expect(rows[1]).toMatch(/Support agent\s+Agent\s+.*Ada Lovelace\s+Failed\s+CLI prompt\s+\d+(\.\d)?s\s+acme/);
    expect(screen).toMatch(/More: --cursor \S+/);
  });

  it("prints JSON on a terminal with --json", async () => {
    const { code, screen } = await onTerminal(["history", "list", "--url", server.url, "--json", "--kind", "workflow"]);
    expect(code).toBe(0);
    expect(JSON.parse(screen).runs[0].runId).toBe(seeded.nightly.runId);
  });

  it("shows a run and a session summary readably", async () => {
    const run = await onTerminal([
      "history",
      "get",
      "--url",
      server.url,
      seeded.answered.runId,
      "--include",
      "messages",
    ]);
    expect(run.code).toBe(0);
    expect(run.screen).toMatch(/^Status: +Success$/m);
    expect(run.screen).toContain("Tool call: lookup_order");
    const summary = await onTerminal([
      "agents",
      "sessions",
      "get",
      "support",
      "ses_failed",
      "--summary",
      "--url",
      server.url,
    ]);
    expect(summary.screen).toMatch(/^Status: +Failed$/m);
    expect(summary.screen).toMatch(/^Error: +ToolError: Tool lookup_order failed/m);
  });

  it("shows progress on stderr while following pages, and keeps stdout clean", async () => {
    const out = join(dir, "long.json");
    const { code, screen } = await onTerminal(
      ["history", "get", "--url", server.url, seeded.long.runId, "--include", "messages,trace"],
      out,
    );
    expect(code).toBe(0);
    expect(screen).toContain("Read 1000 messages, 1000 spans, 1000 logs…");
    const run = JSON.parse(readFileSync(out, "utf8"));
    expect(run.messages).toHaveLength(long.messages);
  });

  it("prints errors with a hint", async () => {
    const { code, screen } = await onTerminal(["history", "list", "--url", server.url, "--status", "nope"]);
    expect(code).toBe(1);
    expect(screen).toMatch(/^Error: Invalid --status "nope"/);
    expect(screen).toContain("\nHint: ");
  });
});
