/**
 * `keystroke worker` and `serve --database-url` refuse what cannot work, before opening anything:
 * a URL that is not PostgreSQL, a worker without a database (or, with --no-auth, a project), a database that is not
 * there (its message names host and database, never the password). A worker that runs is covered
 * by tests/team, with replicas beside it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runCli } from "../testing/run-cli.js";

describe("keystroke worker and serve --database-url", () => {
  let dir: string;

  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), "keystroke-worker-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a database URL that is not PostgreSQL, naming the flag and hiding the password", async () => {
    const result = await runCli(["serve", "--port", "0", "--database-url", "mysql://ada:s3cret@db:3306/keystroke"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--database-url/);
    expect(result.stderr).toMatch(/postgres:\/\//);
    const fromEnv = await runCli(["worker", "--dir", dir], {
      env: { KEYSTROKE_DATABASE_URL: "sqlite://ada:s3cret@here/keystroke.db" },
    });
    expect(fromEnv.code).not.toBe(0);
    expect(fromEnv.stderr).toMatch(/KEYSTROKE_DATABASE_URL must be a PostgreSQL URL/);
    expect(result.stderr + fromEnv.stderr).not.toContain("s3cret");
  });

  it("a worker needs the database and the project the replicas use", async () => {
    const noDatabase = await runCli(["worker", "--dir", dir], { env: { KEYSTROKE_DATABASE_URL: "" } });
    expect(noDatabase.code).not.toBe(0);
    expect(noDatabase.stderr).toMatch(/needs --database-url/);

    // Without --dir a worker runs what was deployed, which needs the replicas' auth.
    const noProject = await runCli(["worker", "--no-auth", "--database-url", "postgres://127.0.0.1:1/none"]);
    expect(noProject.code).not.toBe(0);
    expect(noProject.stderr).toMatch(/--no-auth needs --dir/);

    const notAProject = await runCli(["worker", "--database-url", "postgres://127.0.0.1:1/none", "--dir", dir]);
    expect(notAProject.code).not.toBe(0);
    expect(notAProject.stderr).toMatch(/No keystroke\.config\.ts in/);
  });

  it("names the database it cannot reach, without the password", async () => {
    const result = await runCli([
      "serve",
      "--port",
      "0",
      "--database-url",
      "postgres://ada:s3cret@127.0.0.1:1/keystroke",
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Cannot use PostgreSQL at 127\.0\.0\.1:1\/keystroke/);
    expect(result.stderr).not.toContain("s3cret");
  });
});
