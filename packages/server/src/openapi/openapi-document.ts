/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas that validate the
 * requests (core's ingest batch and RunFilter) and from core's reply schemas (the one source of
 * the answers' types, which the client and the web read too), so it cannot drift from the
 * server. OpenAPI 3.1 schemas are JSON Schema 2020-12, zod 4's default target.
 */
import { ingestBatchSchema, runEventSchema, runFilterParams, runFilterSchema } from "@keystroke/core";
import { z } from "zod";
import { promptBodySchema } from "../agents/prompt-body.js";
import { runViewParts } from "../run-view/run-view-query.js";
import { triggerInvokeBodySchema, triggerTargetBodySchema } from "../triggers/trigger-control-routes.js";
import { workflowRunBodySchema } from "../workflows/workflow-routes.js";
import { authPaths, authSecurity, authSecuritySchemes } from "./auth-paths.js";
import { type ReplySchemaName, replySchemas } from "./reply-schemas.js";

type JsonSchema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

/** The hosted project a request acts on, on a server hosting several (docs/auth.md). */
const projectHeader: Parameter = {
  name: "x-keystroke-project",
  in: "header",
  description:
    "The hosted project to act on: `<organization>/<project>` or a project slug of the caller's organization; needed when the caller can access several",
  schema: { type: "string" },
};

type InputSchemaName =
  | "RunEventInput"
  | "IngestBatchInput"
  | "PromptInput"
  | "WorkflowRunInput"
  | "TriggerTargetInput"
  | "TriggerInvokeInput";

const ref = (name: ReplySchemaName | InputSchemaName) => ({ $ref: `#/components/schemas/${name}` });

/** Named schemas, each converted once; references between them become `$ref`s. */
function componentSchemas(): Record<string, JsonSchema> {
  const inputs = z.registry<{ id: string }>();
  inputs.add(runEventSchema, { id: "RunEventInput" });
  inputs.add(ingestBatchSchema, { id: "IngestBatchInput" });
  inputs.add(promptBodySchema, { id: "PromptInput" });
  inputs.add(workflowRunBodySchema, { id: "WorkflowRunInput" });
  inputs.add(triggerTargetBodySchema, { id: "TriggerTargetInput" });
  inputs.add(triggerInvokeBodySchema, { id: "TriggerInvokeInput" });
  const outputs = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(replySchemas)) outputs.add(schema, { id });
  const uri = (id: string) => `#/components/schemas/${id}`;
  const converted = {
    ...z.toJSONSchema(inputs, { io: "input", uri, unrepresentable: "any" }).schemas,
    ...z.toJSONSchema(outputs, { io: "output", uri, unrepresentable: "any" }).schemas,
  };
  return Object.fromEntries(
    Object.entries(converted).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
}

function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return rest;
}

const timeDescription =
  "ISO 8601 time with a zone, a date, epoch milliseconds, or a period back from now such as 24h or 7d";

function runFilterParameters(): Parameter[] {
  const parameters = Object.entries(runFilterParams).map(([field, name]): Parameter => {
    const schema = schemaOf(runFilterSchema.shape[field as keyof typeof runFilterParams]);
    if (field === "from" || field === "to")
      return { name, in: "query", description: timeDescription, schema: { type: "string" } };
    if (schema.type === "array")
      return { name, in: "query", description: "Repeat the parameter or separate values with commas", schema };
    return { name, in: "query", schema };
  });
  parameters.push({
    name: "period",
    in: "query",
    description: "Shorthand for from=<now - period>, e.g. 24h",
    schema: { type: "string" },
  });
  return parameters;
}

const pageParameters: Parameter[] = [
  { name: "cursor", in: "query", description: "nextCursor of the previous page", schema: { type: "string" } },
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 50 } },
];

function runViewParameters(): Parameter[] {
  const include: Parameter = {
    name: "include",
    in: "query",
    description: "Parts to page in beside the run, comma-separated",
    schema: { type: "array", items: { type: "string", enum: [...runViewParts] } },
  };
  const lists = ["messages", "spans", "logs", "steps"].flatMap((list): Parameter[] => [
    { name: `${list}Cursor`, in: "query", schema: { type: "string" } },
    { name: `${list}Limit`, in: "query", schema: { type: "integer", minimum: 1, maximum: 1000 } },
  ]);
  return [include, ...lists];
}

const pathParameter = (name: string, description: string): Parameter => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string" },
});

const json = (schema: JsonSchema) => ({ content: { "application/json": { schema } } });
const ok = (description: string, schema: JsonSchema) => ({ "200": { description, ...json(schema) } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { description: "Error", ...json(ref("Error")) }]));

/**
 * Builds the document served at `GET /api/openapi.json`.
 *
 * @example
 * const document = buildOpenApiDocument("0.1.0");
 * Object.keys(document.paths); // ["/api/health", "/api/ingest", …]
 */
export function buildOpenApiDocument(version: string, options: { auth?: boolean } = {}) {
  const runView = {
    parameters: runViewParameters(),
    responses: { ...ok("The run and the parts asked for", ref("RunViewReply")), ...errors(400, 404) },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Keystroke",
      version,
      description: "Every AI agent and workflow run, recorded and inspectable.",
    },
    paths: {
      "/api/health": {
        get: { summary: "Health", responses: { ...ok("Serving", ref("HealthReply")), ...errors(503) } },
      },
      "/api/ingest": {
        post: {
          summary: "Append one batch of a run's events",
          requestBody: { required: true, ...json(ref("IngestBatchInput")) },
          responses: { ...ok("Committed", ref("IngestReply")), ...errors(400, 409, 413, 415) },
        },
      },
      "/api/history": {
        get: {
          summary: "List runs, newest first",
          parameters: [...runFilterParameters(), ...pageParameters],
          responses: { ...ok("A page of runs", ref("RunPage")), ...errors(400) },
        },
      },
      "/api/history/live": {
        get: {
          summary: "Changed History rows as Server-Sent Events, each with whether it matches the filter now",
          parameters: runFilterParameters(),
          responses: {
            "200": {
              description: "Each message's data is a RunSummary with `matches`",
              content: { "text/event-stream": { schema: { type: "string" } } },
            },
            ...errors(400),
          },
        },
      },
      "/api/history/{runId}": {
        get: {
          summary: "One run",
          ...runView,
          parameters: [pathParameter("runId", "run_ + ULID"), ...runView.parameters],
        },
      },
      "/api/agents/{slug}/sessions": {
        get: {
          summary: "List an agent's sessions, newest first",
          parameters: [
            pathParameter("slug", "Agent slug"),
            ...runFilterParameters().filter((p) => p.name === "status" || p.name === "project"),
            ...pageParameters,
          ],
          responses: { ...ok("A page of sessions", ref("SessionPage")), ...errors(400) },
        },
      },
      "/api/agents/{slug}/sessions/{sessionId}": {
        get: {
          summary: "One session of an agent",
          ...runView,
          parameters: [
            pathParameter("slug", "Agent slug"),
            pathParameter("sessionId", "Session id"),
            { name: "project", in: "query", description: "Narrows to one project", schema: { type: "string" } },
            ...runView.parameters,
          ],
        },
      },
      "/api/agents": {
        get: {
          summary: "The agents of the project this server hosts",
          parameters: [projectHeader],
          responses: ok("The agents", ref("AgentList")),
        },
      },
      "/api/agents/{slug}/prompt": {
        post: {
          summary: "Prompt an agent; the session is recorded as an agent run",
          description:
            "Answers when the turn is recorded. With Accept: text/event-stream, streams the session's run events (its subagents' too) as they commit, then an event `result` with the PromptResult.",
          parameters: [pathParameter("slug", "Agent slug"), projectHeader],
          requestBody: { required: true, ...json(ref("PromptInput")) },
          responses: {
            "200": {
              description: "The turn: its session, run, status, messages and error",
              content: {
                "application/json": { schema: ref("PromptResult") },
                "text/event-stream": {
                  schema: { type: "string", description: "event: <run event type> | result | error" },
                },
              },
            },
            ...errors(400, 404),
          },
        },
      },
      "/api/workflows": {
        get: {
          summary: "The workflows of the project this server hosts, with their input and output schemas",
          parameters: [projectHeader],
          responses: ok("The workflows", ref("WorkflowList")),
        },
      },
      "/api/workflows/{slug}/runs": {
        post: {
          summary: "Start a run of a workflow",
          description:
            "Checks the input against the workflow's input schema (400 naming the field, and no run), records the run Queued and answers 202; it starts at once unless the workflow's concurrency limit is reached. POST /api/workflows/{slug} does the same.",
          parameters: [pathParameter("slug", "Workflow slug"), projectHeader],
          requestBody: { required: true, ...json(ref("WorkflowRunInput")) },
          responses: {
            "202": {
              description: "Recorded; follow it with /api/runs/{runId}/events",
              ...json(ref("WorkflowRunStarted")),
            },
            ...errors(400, 404),
          },
        },
        get: {
          summary: "List a workflow's runs, newest first",
          parameters: [
            pathParameter("slug", "Workflow slug"),
            ...runFilterParameters().filter((p) => p.name === "status" || p.name === "project"),
            ...pageParameters,
          ],
          responses: { ...ok("A page of runs", ref("RunPage")), ...errors(400) },
        },
      },
      "/api/workflows/{slug}/runs/{runId}": {
        get: {
          summary: "One run of a workflow; a run waiting on a hook carries its resumeUrl",
          ...runView,
          parameters: [
            pathParameter("slug", "Workflow slug"),
            pathParameter("runId", "run_ + ULID"),
            ...runView.parameters,
          ],
        },
      },
      "/api/hooks/{token}": {
        post: {
          summary: "Resume a run waiting on this hook with the JSON body",
          description:
            "The token is the credential and works once. A body that fails the hook's schema gets 400 naming the field and the run keeps waiting; a used token 409, an unknown one 404, an expired one 410.",
          parameters: [pathParameter("token", "The hook's token, from its resumeUrl")],
          requestBody: { content: { "application/json": { schema: {} } } },
          responses: { ...ok("Resumed", ref("HookReply")), ...errors(400, 404, 409, 410) },
        },
        get: {
          summary: "Resume a run waiting on this hook with no body (a link in an email or a chat)",
          parameters: [pathParameter("token", "The hook's token, from its resumeUrl")],
          responses: { ...ok("Resumed", ref("HookReply")), ...errors(400, 404, 409, 410) },
        },
      },
      "/api/runs/{runId}/cancel": {
        post: {
          summary:
            "Cancel a running session, or a queued, running, sleeping or waiting workflow run; it is recorded canceled",
          parameters: [pathParameter("runId", "run_ + ULID")],
          responses: { ...ok("Canceled", ref("CancelReply")), ...errors(400, 404, 409) },
        },
      },
      "/api/runs/{runId}/events": {
        get: {
          summary: "A run's events as Server-Sent Events: replayed after a sequence number, then live",
          parameters: [
            pathParameter("runId", "run_ + ULID"),
            {
              name: "after",
              in: "query",
              description: "Replay events with seq greater than this",
              schema: { type: "integer", minimum: 0, default: 0 },
            },
            {
              name: "Last-Event-ID",
              in: "header",
              description: "Sent by reconnecting clients; wins over after",
              schema: { type: "integer", minimum: 0 },
            },
          ],
          responses: {
            "200": {
              description: "Each message has id: <seq>, event: <type>, data: <StoredEvent JSON>",
              content: {
                "text/event-stream": {
                  schema: { type: "string", description: "The data of each message is a StoredEvent (see its schema)" },
                },
              },
            },
            ...errors(400, 404),
          },
        },
      },
      "/api/gateways/slack/events": {
        post: {
          summary: "The Slack app's Events API Request URL: a signed delivery becomes (or continues) an agent session",
          description:
            "Needs X-Slack-Signature (v0, HMAC-SHA256 under the signing secret) and an X-Slack-Request-Timestamp within five minutes; answers url_verification with its challenge and acknowledges events at once, then posts the agent's answer in the thread.",
          requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
          responses: {
            ...ok("Acknowledged, or the url_verification challenge", { type: "object" }),
            ...errors(400, 401, 404, 413),
          },
        },
      },
      "/api/trigger-sources": {
        get: {
          summary:
            "The hosted project's trigger attachments: source, target, enabled, next fire, last error, recent deliveries (without x-keystroke-project, those of every project the caller can access)",
          parameters: [projectHeader],
          responses: ok("The attachments", ref("TriggerList")),
        },
      },
      "/api/trigger-sources/{slug}/invoke": {
        post: {
          summary: "Fire a trigger source now, as a real delivery",
          description:
            "Webhook: `input` is the body (checked against the source's request schema, then filtered); cron: `input`, or the source's payload; poll: runs one tick. `workflow` or `agent` picks one attachment. Disabled attachments fire too.",
          parameters: [pathParameter("slug", "Trigger source slug"), projectHeader],
          requestBody: { ...json(ref("TriggerInvokeInput")) },
          responses: {
            "202": { description: "The runs started", ...json(ref("TriggerInvoked")) },
            ...errors(400, 404),
          },
        },
      },
      "/api/trigger-sources/{slug}/disable": {
        post: {
          summary: "Disable a source's attachments (one with `workflow` or `agent`); kept across reloads and restarts",
          parameters: [pathParameter("slug", "Trigger source slug"), projectHeader],
          requestBody: { ...json(ref("TriggerTargetInput")) },
          responses: { ...ok("The affected attachments", ref("TriggerList")), ...errors(400, 404) },
        },
      },
      "/api/trigger-sources/{slug}/enable": {
        post: {
          summary: "Enable a source's attachments again; a cron's next tick is computed from now (no catch-up)",
          parameters: [pathParameter("slug", "Trigger source slug"), projectHeader],
          requestBody: { ...json(ref("TriggerTargetInput")) },
          responses: { ...ok("The affected attachments", ref("TriggerList")), ...errors(400, 404) },
        },
      },
      "/api/trigger-sources/{slug}/runs/{runId}": {
        get: {
          summary: "A run that this trigger source started (404 for any other run)",
          ...runView,
          parameters: [
            pathParameter("slug", "Trigger source slug"),
            pathParameter("runId", "run_ + ULID"),
            ...runView.parameters,
          ],
        },
      },
      "/api/triggers/{endpoint}": {
        post: {
          summary: "A webhook source's endpoint: each attachment whose filter passes starts its run",
          description:
            'The body (JSON, at most 1 MiB by default) is checked against the source\'s request schema (400 naming the field). With a secret, X-Keystroke-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> is required, within 5 minutes, once (401 otherwise, nothing recorded). 202 with the runs started, or 200 { ok, skipped } when the filter drops the event.',
          parameters: [pathParameter("endpoint", "The source's endpoint without its leading slash, e.g. orders")],
          requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
          responses: {
            "202": { description: "Runs started", ...json(ref("WebhookReply")) },
            "200": {
              description: "Skipped: the filter dropped it, or every attachment is disabled",
              ...json(ref("WebhookReply")),
            },
            ...errors(400, 401, 404, 413),
          },
        },
      },
      "/api/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } } },
      ...(options.auth ? authPaths : {}),
    },
    ...(options.auth ? { security: authSecurity } : {}),
    components: { schemas: componentSchemas(), ...(options.auth ? { securitySchemes: authSecuritySchemes } : {}) },
  };
}
