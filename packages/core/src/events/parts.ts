import { z } from "zod";

/** The payload recorded when something fails: a session, a tool call, a step. */
export const errorPayloadSchema = z.object({
  message: z.string().max(100_000),
  name: z.string().max(500).optional(),
  code: z.string().max(500).optional(),
  stack: z.string().max(100_000).optional(),
  details: z.unknown().optional(),
});
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;

export const textPartSchema = z.object({ type: z.literal("text"), text: z.string() });
/** Reasoning output of the model, shown collapsed as "Thought". */
export const thoughtPartSchema = z.object({ type: z.literal("thought"), text: z.string() });
export const toolCallPartSchema = z.object({
  type: z.literal("tool_call"),
  id: z.string().min(1).max(500),
  name: z.string().min(1).max(500),
  arguments: z.unknown(),
  /** Set when the tool is a subagent: the run it started. */
  childRunId: z.string().max(200).optional(),
});
export const toolResultPartSchema = z.object({
  type: z.literal("tool_result"),
  id: z.string().min(1).max(500),
  name: z.string().max(500).optional(),
  result: z.unknown().optional(),
  error: errorPayloadSchema.optional(),
});

export const messagePartSchema = z.discriminatedUnion("type", [
  textPartSchema,
  thoughtPartSchema,
  toolCallPartSchema,
  toolResultPartSchema,
]);
export type MessagePart = z.infer<typeof messagePartSchema>;

export const messageRoles = ["user", "assistant", "system"] as const;
export type MessageRole = (typeof messageRoles)[number];

export const messageSchema = z.object({
  id: z.string().min(1).max(200),
  role: z.enum(messageRoles),
  parts: z.array(messagePartSchema).max(10_000),
});
export type Message = z.infer<typeof messageSchema>;

/** The searchable text of a message: its text and thought parts. */
export function messageText(parts: readonly MessagePart[]): string {
  let text = "";
  for (const part of parts) {
    if (part.type === "text" || part.type === "thought") text = text ? `${text}\n${part.text}` : part.text;
  }
  return text;
}
