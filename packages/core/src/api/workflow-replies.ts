/** The answers of the workflow routes: the workflows a server hosts, and a started run. */
import { z } from "zod";

/** One workflow of `GET /api/workflows`. */
export const workflowInfoSchema = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  input: z.record(z.string(), z.unknown()).describe("JSON Schema of the input a run takes"),
  output: z.record(z.string(), z.unknown()).describe("JSON Schema of what a successful run returns"),
  retries: z.number().int().describe("How many times a failed step is tried again"),
  concurrency: z.number().int().nullable().describe("Runs executing at once; null for no limit"),
});
export type WorkflowInfo = z.infer<typeof workflowInfoSchema>;

/** `GET /api/workflows`: the workflows of the project the server hosts. */
export const workflowListSchema = z.object({ project: z.string().nullable(), workflows: z.array(workflowInfoSchema) });
export type WorkflowList = z.infer<typeof workflowListSchema>;

/** `POST /api/workflows/:slug/runs`: the run was created (202); it runs in the background. */
export const workflowRunStartedSchema = z.object({
  runId: z.string(),
  status: z.literal("queued").describe("It starts at once unless the workflow's concurrency limit is reached"),
});
export type WorkflowRunStarted = z.infer<typeof workflowRunStartedSchema>;
