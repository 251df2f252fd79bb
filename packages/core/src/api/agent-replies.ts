/** The answers of the agent routes: the agents a server hosts, and a prompt's result. */
import { z } from "zod";
import { errorPayloadSchema, messageSchema } from "../events/parts.js";

const thinkingLevels = ["off", "low", "medium", "high"] as const;

/** One agent of `GET /api/agents`. */
export const agentInfoSchema = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  model: z.string(),
  thinkingLevel: z.enum(thinkingLevels),
  maxSteps: z.number().int(),
  tools: z.array(z.object({ slug: z.string(), name: z.string(), kind: z.enum(["action", "agent"]) })),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;

/** `GET /api/agents`: the agents of the project the server hosts. */
export const agentListSchema = z.object({ project: z.string().nullable(), agents: z.array(agentInfoSchema) });
export type AgentList = z.infer<typeof agentListSchema>;

/** `POST /api/agents/:slug/prompt` (and `agent.prompt()`): how the turn ended and what was said. */
export const promptResultSchema = z.object({
  sessionId: z.string(),
  runId: z.string(),
  status: z.enum(["success", "failed", "canceled"]),
  messages: z.array(messageSchema),
  error: errorPayloadSchema.optional(),
});
export type PromptResult = z.infer<typeof promptResultSchema>;
