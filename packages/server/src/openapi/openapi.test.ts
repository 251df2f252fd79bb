import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/test-server.js";

interface Document {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, { parameters?: { name: string }[]; requestBody?: unknown }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

let server: TestServer;
let document: Document;
let text: string;

beforeAll(async () => {
  server = await startTestServer();
  const response = await fetch(`${server.url}/api/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("application/json");
  text = await response.text();
  document = JSON.parse(text) as Document;
});
afterAll(async () => {
  await server.close();
});

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") found.push(inner);
      else refs(inner, found);
    }
  }
  return found;
}

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3.1 document with every route of the API", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(document.paths).sort()).toEqual([
      "/api/agents",
      "/api/agents/{slug}/prompt",
      "/api/agents/{slug}/sessions",
      "/api/agents/{slug}/sessions/{sessionId}",
      "/api/gateways/slack/events",
      "/api/health",
      "/api/history",
      "/api/history/live",
      "/api/history/{runId}",
      "/api/hooks/{token}",
      "/api/ingest",
      "/api/openapi.json",
      "/api/runs/{runId}/cancel",
      "/api/runs/{runId}/events",
      "/api/trigger-sources",
      "/api/trigger-sources/{slug}/disable",
      "/api/trigger-sources/{slug}/enable",
      "/api/trigger-sources/{slug}/invoke",
      "/api/trigger-sources/{slug}/runs/{runId}",
      "/api/triggers/{endpoint}",
      "/api/workflows",
      "/api/workflows/{slug}/runs",
      "/api/workflows/{slug}/runs/{runId}",
    ]);
  });

  it("documents only routes the server serves, with their methods", () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        const url = path.replace(/\{(\w+)\}/g, ":$1");
        expect(server.server.hasRoute({ method: method.toUpperCase() as "GET", url }), `${method} ${path}`).toBe(true);
      }
    }
  });

  it("has only references that resolve to its own schemas", () => {
    const found = refs(document);
    expect(found.length).toBeGreaterThan(10);
    for (const ref of found) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas).toHaveProperty(ref.slice("#/components/schemas/".length));
    }
    expect(text).not.toContain('"$schema"');
  });

  it("describes the ingest batch from core's schema, every event type included", () => {
    const batch = document.components.schemas.IngestBatchInput as {
      properties: { events: { items: unknown; maxItems: number } };
      required?: string[];
    };
    expect(batch.required).toEqual(["events"]);
    expect(batch.properties.events.maxItems).toBe(10_000);
    const eventTypes = JSON.stringify(document.components.schemas.RunEventInput).match(/"const":"[a-z._]+"/g);
    expect(eventTypes).toContain('"const":"run.created"');
    expect(eventTypes).toContain('"const":"step.finished"');
    expect(document.paths["/api/ingest"]?.post?.requestBody).toBeDefined();
  });

  it("lists the History filters as query parameters, by their URL names", () => {
    const names = document.paths["/api/history"]?.get?.parameters?.map((p) => p.name) ?? [];
    for (const name of ["kind", "status", "project", "costMin", "from", "period", "q", "cursor", "limit"]) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain("search");
  });
});
