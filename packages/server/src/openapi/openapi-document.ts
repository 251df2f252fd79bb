/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas that validate the
 * requests (core's ingest batch and RunFilter) and describe the answers, so it cannot drift from
 * what the server accepts. OpenAPI 3.1 schemas are JSON Schema 2020-12, zod 4's default target.
 */
import { ingestBatchSchema, runEventSchema, runFilterParams, runFilterSchema } from "@keystroke/core";
import { z } from "zod";
import { promptBodySchema } from "../agents/prompt-body.js";
import { runViewParts } from "../run-view/run-view-query.js";
import {
  agentListSchema,
  cancelReplySchema,
  errorBodySchema,
  healthReplySchema,
  ingestReplySchema,
  promptReplySchema,
  runDetailSchema,
  runPageSchema,
  runSummarySchema,
  runViewReplySchema,
  sessionPageSchema,
  storedEventSchema,
} from "./reply-schemas.js";

type JsonSchema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Named schemas, each converted once; references between them become `$ref`s. */
function componentSchemas(): Record<string, JsonSchema> {
  const inputs = z.registry<{ id: string }>();
  inputs.add(runEventSchema, { id: "RunEventInput" });
  inputs.add(ingestBatchSchema, { id: "IngestBatchInput" });
  inputs.add(promptBodySchema, { id: "PromptInput" });
  const outputs = z.registry<{ id: string }>();
  const named = {
    RunSummary: runSummarySchema,
    RunDetail: runDetailSchema,
    StoredEvent: storedEventSchema,
    RunPage: runPageSchema,
    SessionPage: sessionPageSchema,
    RunView: runViewReplySchema,
    IngestReply: ingestReplySchema,
    Health: healthReplySchema,
    AgentList: agentListSchema,
    PromptResult: promptReplySchema,
    CancelReply: cancelReplySchema,
    Error: errorBodySchema,
  };
  for (const [id, schema] of Object.entries(named)) outputs.add(schema, { id });
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
export function buildOpenApiDocument(version: string) {
  const runView = {
    parameters: runViewParameters(),
    responses: { ...ok("The run and the parts asked for", ref("RunView")), ...errors(400, 404) },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Keystroke",
      version,
      description: "Every AI agent and workflow run, recorded and inspectable.",
    },
    paths: {
      "/api/health": { get: { summary: "Health", responses: { ...ok("Serving", ref("Health")), ...errors(503) } } },
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
        get: { summary: "The agents of the project this server hosts", responses: ok("The agents", ref("AgentList")) },
      },
      "/api/agents/{slug}/prompt": {
        post: {
          summary: "Prompt an agent; the session is recorded as an agent run",
          description:
            "Answers when the turn is recorded. With Accept: text/event-stream, streams the session's run events (its subagents' too) as they commit, then an event `result` with the PromptResult.",
          parameters: [pathParameter("slug", "Agent slug")],
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
      "/api/runs/{runId}/cancel": {
        post: {
          summary: "Cancel a running session; it is recorded canceled",
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
      "/api/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } } },
    },
    components: { schemas: componentSchemas() },
  };
}
