import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "@keystroke/server";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runCli } from "../../testing/run-cli.js";

const repo = fileURLToPath(new URL("../../../../../", import.meta.url));

describe("keystroke init", () => {
  let parent: string;
  beforeAll(() => {
    assertBuilt();
    parent = mkdtempSync(join(tmpdir(), "keystroke-init-"));
  });

  it("scaffolds a project that keystroke dev loads and whose agent answers, calling its action", async () => {
    const result = await runCli(["init", "My App", "--yes"], { cwd: parent });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Created project my-app in My App:");
    expect(result.stdout).toContain("Next: cd My App && npm install && npx keystroke dev");
    const dir = join(parent, "My App");
    for (const file of [
      "package.json",
      "tsconfig.json",
      "keystroke.config.ts",
      "src/agents/assistant.ts",
      "src/actions/get-time.ts",
      ".gitignore",
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(join(dir, "keystroke.config.ts"), "utf8")).toContain('project: "my-app"');
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(join(repo, "packages", "sdk"), join(dir, "node_modules", "keystroke"), "dir");
    symlinkSync(join(repo, "node_modules", "zod"), join(dir, "node_modules", "zod"), "dir");
    const server = await startServer({ dbPath: join(dir, ".keystroke", "keystroke.db"), port: 0, projectDir: dir });
    try {
      const response = await fetch(`${server.url}/api/agents/assistant/prompt`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "What time is it? Tell me the current time in Europe/Paris" }),
      });
      const body = (await response.json()) as {
        status: string;
        messages: { parts: { type: string; name?: string }[] }[];
      };
      expect(body.status).toBe("success");
      expect(body.messages.flatMap((m) => m.parts)).toContainEqual(
        expect.objectContaining({ type: "tool_result", name: "get-time" }),
      );
    } finally {
      await server.close();
    }
  });

  it("with --from, the project installs Keystroke from the tarballs in that folder", async () => {
    const version = (
      JSON.parse(readFileSync(join(repo, "packages", "cli", "package.json"), "utf8")) as { version: string }
    ).version;
    const packs = join(parent, "packs");
    mkdirSync(packs);
    for (const name of ["keystroke", "keystroke-cli", "keystroke-server", "keystroke-store", "keystroke-core"]) {
      writeFileSync(join(packs, `${name}-${version}.tgz`), "");
    }
    const result = await runCli(["init", "from-packs", "--yes", "--from", "packs"], { cwd: parent });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Next: cd from-packs && npm install && npx keystroke dev");
    const manifest = JSON.parse(readFileSync(join(parent, "from-packs", "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      overrides: Record<string, string>;
    };
    expect(manifest.dependencies).toMatchObject({
      "@keystroke/cli": `file:../packs/keystroke-cli-${version}.tgz`,
      keystroke: `file:../packs/keystroke-${version}.tgz`,
    });
    expect(manifest.overrides).toEqual({
      "@keystroke/server": `file:../packs/keystroke-server-${version}.tgz`,
      "@keystroke/store": `file:../packs/keystroke-store-${version}.tgz`,
      "@keystroke/core": `file:../packs/keystroke-core-${version}.tgz`,
    });
  });

  it("with --from a folder missing a tarball, says which and writes nothing", async () => {
    mkdirSync(join(parent, "empty-packs"));
    const result = await runCli(["init", "no-packs", "--yes", "--from", "empty-packs"], { cwd: parent });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No @keystroke\/cli .* tarball \(keystroke-cli-.*\.tgz\)/);
    expect(result.stderr).toContain("npm run pack");
    expect(existsSync(join(parent, "no-packs"))).toBe(false);
  });

  it("never writes into a folder that has files", async () => {
    const dir = join(parent, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    const result = await runCli(["init", "taken", "--yes"], { cwd: parent });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not empty");
    expect(existsSync(join(dir, "keystroke.config.ts"))).toBe(false);
  });

  it("asks for --yes when there is no terminal to ask on", async () => {
    const result = await runCli(["init", "quiet"], { cwd: parent });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("init needs --yes");
    expect(existsSync(join(parent, "quiet"))).toBe(false);
  });

  it("refuses a project slug that is not a slug", async () => {
    const result = await runCli(["init", "x", "--yes", "--project", "Not A Slug"], { cwd: parent });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--project");
  });
});
