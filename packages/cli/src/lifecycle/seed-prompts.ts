/**
 * Example prompts recorded on a project's first start (`keystroke dev --seed <file>`), so History
 * is never empty: a JSON array of `{ agent, message, session? }`; prompts with the same `session`
 * label continue one session.
 */
import { readFileSync } from "node:fs";
import { KeystrokeError } from "@keystroke/core";
import type { KeystrokeServer } from "@keystroke/server";
import { z } from "zod";

const seedFileSchema = z.array(
  z.object({ agent: z.string().min(1), message: z.string().min(1), session: z.string().min(1).optional() }),
);

export function readSeedFile(path: string): z.infer<typeof seedFileSchema> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new KeystrokeError(
      "invalid_input",
      `Cannot read --seed ${path}: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: 'Give a JSON file: [{ "agent": "support", "message": "Hello" }, …]',
      },
    );
  }
  const parsed = seedFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeystrokeError("invalid_input", `Invalid --seed ${path} at ${issue?.path.join(".")}: ${issue?.message}`, {
      hint: 'Each entry is { "agent": "<slug>", "message": "…", "session"?: "<label>" }',
    });
  }
  return parsed.data;
}

/** Records the prompts one by one; `progress` hears "n/total". Returns the statuses in order. */
export async function recordSeedPrompts(
  server: KeystrokeServer,
  prompts: z.infer<typeof seedFileSchema>,
  progress: (done: number, total: number) => void,
): Promise<string[]> {
  const sessions = new Map<string, string>();
  const statuses: string[] = [];
  for (const [i, prompt] of prompts.entries()) {
    progress(i, prompts.length);
    const sessionId = prompt.session ? sessions.get(prompt.session) : undefined;
    const result = await server.agents.prompt(
      prompt.agent,
      { message: prompt.message, ...(sessionId ? { sessionId } : {}) },
      {
        source: "cli",
        trigger: { label: "Example prompt", value: { seed: prompt } },
        actor: { type: "system", id: "keystroke-dev", name: "keystroke dev (first start)" },
      },
    );
    if (prompt.session) sessions.set(prompt.session, result.sessionId);
    statuses.push(result.status);
  }
  progress(prompts.length, prompts.length);
  return statuses;
}
