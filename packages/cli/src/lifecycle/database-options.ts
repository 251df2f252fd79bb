/**
 * `--database-url` (or `KEYSTROKE_DATABASE_URL`) and `--dir`, shared by `serve` and `worker`:
 * which store to open and which project to host. A database URL must name PostgreSQL; SQLite
 * stays behind `--db`, so a typo never silently creates a file named like a URL.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";

export const databaseFlags = {
  // Checked by databaseUrlFrom, whose message never repeats a password.
  databaseUrl: z.string().min(1, "expected a PostgreSQL URL: postgres://user:password@host:5432/database").optional(),
  dir: z.string().min(1, "expected a project folder").optional(),
};

export function addDatabaseOptions(command: Command): Command {
  return command
    .option("--database-url <url>", "PostgreSQL shared by replicas and workers (or KEYSTROKE_DATABASE_URL)")
    .option("--dir <path>", "a project folder to host: its agents, workflows and triggers");
}

/** The database URL from the flag, else from `KEYSTROKE_DATABASE_URL`. */
export function databaseUrlFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = flag ?? env.KEYSTROKE_DATABASE_URL?.trim();
  if (!value) return undefined;
  if (!/^postgres(ql)?:\/\//i.test(value)) {
    throw new KeystrokeError(
      "invalid_input",
      `${flag ? "--database-url" : "KEYSTROKE_DATABASE_URL"} must be a PostgreSQL URL, not "${value.replace(/:[^:@/]*@/, ":***@")}"`,
      {
        hint: "Give postgres://user:password@host:5432/database, or use --db <file> for SQLite",
        details: { problems: [{ path: "databaseUrl", message: "expected postgres:// or postgresql://" }] },
      },
    );
  }
  return value;
}

/** The project folder, checked to hold a keystroke.config.ts. */
export function projectDirFrom(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  const projectDir = resolve(dir);
  if (!existsSync(join(projectDir, "keystroke.config.ts"))) {
    throw new KeystrokeError("not_found", `No keystroke.config.ts in ${projectDir}`, {
      hint: "Pass --dir the folder of a Keystroke project (create one with `keystroke init <dir> --yes`)",
    });
  }
  return projectDir;
}
