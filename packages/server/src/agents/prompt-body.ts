import { KeystrokeError } from "@keystroke/core";
import { z } from "zod";

export const promptBodySchema = z.object({
  message: z.string().trim().min(1, "a non-empty message"),
  sessionId: z.string().min(1).max(500).optional(),
});
export type PromptBody = z.infer<typeof promptBodySchema>;

/** The body of `POST /api/agents/:slug/prompt`; a 400 names the field that is wrong. */
export function parsePromptBody(body: unknown): PromptBody {
  const parsed = promptBodySchema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({
    path: issue.path.join(".") || "body",
    message: issue.message,
  }));
  const first = problems[0];
  throw new KeystrokeError("invalid_input", `Invalid ${first?.path}: ${first?.message}`, {
    hint: 'Send { "message": "…", "sessionId"?: "…" }',
    details: { problems },
  });
}
