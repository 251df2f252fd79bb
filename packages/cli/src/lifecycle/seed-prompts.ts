/**
 * Examples recorded on a project's first start (`keystroke dev --seed <file>`), so History is
 * never empty: a JSON array of prompts `{ agent, message, session? }` (prompts with the same
 * `session` label continue one session) and workflow runs `{ workflow, input }` (each is started
 * and left once it finishes, sleeps or waits on a hook).
 */
import { readFileSync } from "node:fs";
import { KeystrokeError } from "@keystroke/core";
import type { KeystrokeServer } from "@keystroke/server";
import { z } from "zod";

const seedFileSchema = z.array(
  z.union([
    z.object({ agent: z.string().min(1), message: z.string().min(1), session: z.string().min(1).optional() }).strict(),
    z.object({ workflow: z.string().min(1), input: z.unknown() }).strict(),
  ]),
);

type SeedEntry = z.infer<typeof seedFileSchema>[number];

const origin = (seed: SeedEntry) => ({
  source: "cli" as const,
  trigger: { label: "Example prompt", value: { seed } },
  actor: { type: "system" as const, id: "keystroke-dev", name: "keystroke dev (first start)" },
});

const SETTLE_MS = 15_000;

/** Starts a seeded workflow run and waits until it is no longer queued or running. */
async function seedWorkflow(server: KeystrokeServer, slug: string, input: unknown, seed: SeedEntry): Promise<string> {
  const { runId } = await server.workflows.runtime.start(slug, input, {
    ...origin(seed),
    trigger: { label: "Example run", value: { seed } },
  });
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const status = (await server.workflows.status(runId)) ?? "queued";
    if ((status !== "queued" && status !== "running") || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

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
      hint: 'Each entry is { "agent": "<slug>", "message": "…", "session"?: "<label>" } or { "workflow": "<slug>", "input": … }',
    });
  }
  return parsed.data;
}

/** Records the examples one by one; `progress` hears "n/total". Returns the statuses in order. */
export async function recordSeedPrompts(
  server: KeystrokeServer,
  prompts: z.infer<typeof seedFileSchema>,
  progress: (done: number, total: number) => void,
): Promise<string[]> {
  const sessions = new Map<string, string>();
  const statuses: string[] = [];
  for (const [i, prompt] of prompts.entries()) {
    progress(i, prompts.length);
    if ("workflow" in prompt) {
      statuses.push(await seedWorkflow(server, prompt.workflow, prompt.input, prompt));
      continue;
    }
    const sessionId = prompt.session ? sessions.get(prompt.session) : undefined;
    const result = await server.agents.prompt(
      prompt.agent,
      { message: prompt.message, ...(sessionId ? { sessionId } : {}) },
      origin(prompt),
    );
    if (prompt.session) sessions.set(prompt.session, result.sessionId);
    statuses.push(result.status);
  }
  progress(prompts.length, prompts.length);
  return statuses;
}
