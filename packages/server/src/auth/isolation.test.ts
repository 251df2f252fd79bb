/**
 * Who sees and does what on a team server, over real HTTP, on both stores: two organizations
 * (acme: an Owner, an Admin and a Builder; globex: its own Owner) with runs in their projects.
 * Every cross-organization read or write is a 404, never a 403 that confirms the run exists;
 * role limits inside an organization are 403; a missing or revoked credential is 401 at once;
 * sign-in is rate-limited; the OTLP receiver files runs under the project of its key.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newRunId } from "@keystroke/core/ids";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "@keystroke/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../start-server.js";

const PASSWORD = "correct horse battery staple";

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

function client(baseUrl: string, credential?: { token?: string; key?: string; org?: string }) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Answer<T>> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (credential?.token) headers.authorization = `Bearer ${credential.token}`;
    if (credential?.key) headers["x-api-key"] = credential.key;
    if (credential?.org) headers["x-keystroke-organization"] = credential.org;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
  };
}

type Client = ReturnType<typeof client>;

function runBatch(runId: string, project: string, text: string) {
  const time = new Date().toISOString();
  return {
    runId,
    events: [
      {
        eventId: `${runId}-created`,
        type: "run.created",
        time,
        kind: "agent",
        slug: "support",
        name: "Support",
        project,
        source: "api",
        trigger: { label: "API" },
        actor: { type: "user", id: "u", name: "U" },
      },
      { eventId: `${runId}-started`, type: "run.started", time },
      {
        eventId: `${runId}-msg`,
        type: "message.added",
        time,
        message: { id: "m1", role: "user", parts: [{ type: "text", text }] },
      },
    ],
  };
}

async function login(baseUrl: string, email: string): Promise<string> {
  const answer = await client(baseUrl)<{ token: string }>("POST", "/api/auth/login?cli=1", {
    email,
    password: PASSWORD,
  });
  expect(answer.status).toBe(200);
  return answer.body.token;
}

/** Joins `org` through an invite made by `inviter`, as `email`; returns a session token. */
async function join_(baseUrl: string, inviter: Client, org: string, role: string, email: string): Promise<string> {
  const invite = await inviter<{ url: string }>("POST", `/api/organizations/${org}/invites`, { role, email });
  expect(invite.status).toBe(200);
  const token = new URL(invite.body.url).hash.slice(1);
  const accepted = await client(baseUrl)("POST", "/api/auth/invites/accept", { token, email, password: PASSWORD });
  expect(accepted.status).toBe(200);
  return login(baseUrl, email);
}

const stores = [
  { name: "sqlite", postgres: false },
  { name: "postgres", postgres: true },
] as const;

describe.each(stores)("team server isolation on $name", ({ postgres }) => {
  let dir: string;
  let schema: string | undefined;
  let running: RunningServer;
  let url: string;
  let owner: Client;
  let admin: Client;
  let builder: Client;
  let stranger: Client;
  let acmeKey: string;
  let globexKey: string;
  const acmeRun = newRunId();
  const hiddenRun = newRunId();
  const globexRun = newRunId();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "keystroke-auth-"));
    if (postgres) {
      await requireTestDatabase();
      schema = testSchemaName();
    }
    running = await startServer({
      port: 0,
      ...(postgres ? { databaseUrl: `${testDatabaseUrl}?schema=${schema}` } : { dbPath: join(dir, "keystroke.db") }),
      auth: { init: { organization: "acme", email: "owner@acme.test", password: PASSWORD } },
    });
    url = running.url;
    owner = client(url, { token: await login(url, "owner@acme.test") });
    admin = client(url, { token: await join_(url, owner, "acme", "admin", "admin@acme.test") });
    builder = client(url, { token: await join_(url, owner, "acme", "builder", "builder@acme.test") });
    // The stranger joins acme only to exist, founds globex, and is removed from acme.
    const strangerToken = await join_(url, owner, "acme", "builder", "owner@globex.test");
    const founded = await client(url, { token: strangerToken })("POST", "/api/organizations", {
      slug: "globex",
      name: "Globex",
    });
    expect(founded.status).toBe(200);
    const members = await owner<{ members: { userId: string; email: string }[] }>(
      "GET",
      "/api/organizations/acme/members",
    );
    const strangerId = members.body.members.find((m) => m.email === "owner@globex.test")?.userId;
    expect((await owner("DELETE", `/api/organizations/acme/members/${strangerId}`)).status).toBe(200);
    stranger = client(url, { token: strangerToken, org: "globex" });

    expect((await owner("POST", "/api/organizations/acme/projects", { slug: "support", name: "Support" })).status).toBe(
      200,
    );
    expect((await owner("POST", "/api/organizations/acme/projects", { slug: "finance", name: "Finance" })).status).toBe(
      200,
    );
    expect((await stranger("POST", "/api/organizations/globex/projects", { slug: "ops", name: "Ops" })).status).toBe(
      200,
    );
    // The Builder is a member of no project yet, but creates their own.
    expect((await builder("POST", "/api/organizations/acme/projects", { slug: "lab", name: "Lab" })).status).toBe(200);

    acmeKey = (
      await owner<{ key: string }>("POST", "/api/organizations/acme/api-keys", { name: "ci", project: "support" })
    ).body.key;
    globexKey = (
      await stranger<{ key: string }>("POST", "/api/organizations/globex/api-keys", { name: "ci", project: "ops" })
    ).body.key;
    const acme = client(url, { key: acmeKey });
    const globex = client(url, { key: globexKey });
    const first = await acme("POST", "/api/ingest", runBatch(acmeRun, "support", "acme secret plan"));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect((await owner("POST", "/api/ingest", runBatch(hiddenRun, "finance", "acme payroll"))).status).toBe(200);
    expect((await globex("POST", "/api/ingest", runBatch(globexRun, "ops", "globex secret plan"))).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await running?.close();
    if (schema) await dropTestSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = (answer: Answer) =>
    ((answer.body.runs as { runId: string }[] | undefined) ?? []).map((r) => r.runId).sort();

  it("refuses requests without a credential (401), but not health, hooks or webhooks", async () => {
    const anonymous = client(url);
    for (const path of [
      "/api/history",
      `/api/history/${acmeRun}`,
      "/api/organizations",
      "/api/openapi.json",
      "/api/workflows",
    ]) {
      const answer = await anonymous("GET", path);
      expect(answer.status, path).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: "unauthorized" } });
    }
    expect((await anonymous("POST", "/api/ingest", runBatch(newRunId(), "support", "x"))).status).toBe(401);
    expect((await anonymous("GET", "/api/health")).status).toBe(200);
    expect((await anonymous("POST", "/api/hooks/not-a-token", {})).status).toBe(404);
    expect((await client(url, { token: "made-up" })("GET", "/api/history")).status).toBe(401);
    expect((await client(url, { key: "ks_made_up_key_000000000000000000000000" })("GET", "/api/history")).status).toBe(
      401,
    );
  });

  it("each organization sees only its own runs; the other's are 404 everywhere", async () => {
    expect(ids(await owner("GET", "/api/history"))).toEqual([acmeRun, hiddenRun].sort());
    expect(ids(await stranger("GET", "/api/history"))).toEqual([globexRun]);
    expect(ids(await owner("GET", "/api/history?q=secret"))).toEqual([acmeRun]);
    expect(ids(await owner("GET", "/api/history?project=globex/ops"))).toEqual([]);
    for (const [who, run] of [
      [owner, globexRun],
      [stranger, acmeRun],
    ] as const) {
      expect((await who("GET", `/api/history/${run}`)).status).toBe(404);
      expect((await who("GET", `/api/runs/${run}/events`)).status).toBe(404);
      expect((await who("POST", `/api/runs/${run}/cancel`)).status).toBe(404);
    }
    const acme = client(url, { key: acmeKey });
    const append = await acme("POST", "/api/ingest", {
      runId: globexRun,
      events: [{ eventId: "sneaky", type: "run.finished", time: new Date().toISOString(), status: "canceled" }],
    });
    expect(append.status).toBe(404);
    expect((await stranger<{ run: { status: string } }>("GET", `/api/history/${globexRun}`)).body.run.status).toBe(
      "running",
    );
    // Recording into another organization's project is refused too.
    const intoGlobex = await acme("POST", "/api/ingest", runBatch(newRunId(), "globex/ops", "x"));
    expect(intoGlobex.status).toBe(404);
  });

  it("another organization's members, projects, keys and invites are 404", async () => {
    for (const [method, path] of [
      ["GET", "/api/organizations/globex/members"],
      ["GET", "/api/organizations/globex/projects"],
      ["GET", "/api/organizations/globex/api-keys"],
      ["POST", "/api/organizations/globex/invites"],
      ["POST", "/api/organizations/globex/api-keys"],
    ] as const) {
      const answer = await owner(method, path, method === "POST" ? { role: "builder", name: "x" } : undefined);
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
    const keys = await stranger<{ apiKeys: { keyId: string }[] }>("GET", "/api/organizations/globex/api-keys");
    const globexKeyId = keys.body.apiKeys[0]?.keyId;
    expect((await owner("DELETE", `/api/organizations/acme/api-keys/${globexKeyId}`)).status).toBe(404);
    // An acme key cannot act in globex even for a member of both.
    expect((await client(url, { key: acmeKey })("GET", "/api/organizations/globex/projects")).status).toBe(404);
  });

  it("a Builder sees the projects they are a member of, and their own keys; role changes are 403", async () => {
    expect(ids(await builder("GET", "/api/history"))).toEqual([]);
    expect((await builder("GET", `/api/history/${acmeRun}`)).status).toBe(404);
    expect(ids(await admin("GET", "/api/history"))).toEqual([acmeRun, hiddenRun].sort());
    const projects = await builder<{ projects: { slug: string }[] }>("GET", "/api/organizations/acme/projects");
    expect(projects.body.projects.map((p) => p.slug)).toEqual(["lab"]);

    const members = await builder<{ members: { userId: string; email: string; role: string }[] }>(
      "GET",
      "/api/organizations/acme/members",
    );
    const adminId = members.body.members.find((m) => m.email === "admin@acme.test")?.userId;
    expect((await builder("PATCH", `/api/organizations/acme/members/${adminId}`, { role: "builder" })).status).toBe(
      403,
    );
    expect((await builder("POST", "/api/organizations/acme/invites", { role: "admin" })).status).toBe(403);
    expect((await builder("POST", "/api/organizations/acme/invites", { role: "builder" })).status).toBe(200);

    await builder("POST", "/api/organizations/acme/api-keys", { name: "mine" });
    const mine = await builder<{ apiKeys: { name: string }[] }>("GET", "/api/organizations/acme/api-keys");
    expect(mine.body.apiKeys.map((k) => k.name)).toEqual(["mine"]);
    const all = await owner<{ apiKeys: { keyId: string; name: string; preview: string }[] }>(
      "GET",
      "/api/organizations/acme/api-keys",
    );
    expect(all.body.apiKeys.map((k) => k.name).sort()).toEqual(["ci", "mine"]);
    for (const key of all.body.apiKeys) expect(key.preview).toMatch(/^ks_.{4}….{4}$/);
    expect(JSON.stringify(all.body)).not.toContain(acmeKey);
    const ownersKey = all.body.apiKeys.find((k) => k.name === "ci")?.keyId;
    expect((await builder("DELETE", `/api/organizations/acme/api-keys/${ownersKey}`)).status).toBe(404);
  });

  it("Admins manage members but not Owners; the last Owner stays", async () => {
    const members = await owner<{ members: { userId: string; email: string }[] }>(
      "GET",
      "/api/organizations/acme/members",
    );
    const id = (email: string) => members.body.members.find((m) => m.email === email)?.userId;
    expect(
      (await admin("PATCH", `/api/organizations/acme/members/${id("builder@acme.test")}`, { role: "admin" })).status,
    ).toBe(200);
    expect(
      (await admin("PATCH", `/api/organizations/acme/members/${id("builder@acme.test")}`, { role: "builder" })).status,
    ).toBe(200);
    expect(
      (await admin("PATCH", `/api/organizations/acme/members/${id("admin@acme.test")}`, { role: "owner" })).status,
    ).toBe(403);
    expect((await admin("DELETE", `/api/organizations/acme/members/${id("owner@acme.test")}`)).status).toBe(403);
    const demoted = await owner("PATCH", `/api/organizations/acme/members/${id("owner@acme.test")}`, { role: "admin" });
    expect(demoted.status).toBe(409);
  });

  it("an invite survives a mistaken acceptance (wrong email, short password), and is used once", async () => {
    const invite = await owner<{ url: string }>("POST", "/api/organizations/acme/invites", {
      role: "builder",
      email: "late@acme.test",
    });
    const token = new URL(invite.body.url).hash.slice(1);
    const accept = (body: Record<string, unknown>) =>
      client(url)<{ error: { message: string } }>("POST", "/api/auth/invites/accept", { token, ...body });
    const otherEmail = await accept({ email: "someone@acme.test", password: PASSWORD });
    expect(otherEmail.status).toBe(400);
    expect(otherEmail.body.error.message).toContain("another email address");
    const short = await accept({ email: "late@acme.test", password: "short" });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain("password");
    expect((await accept({ email: "late@acme.test", password: PASSWORD })).status).toBe(200);
    expect((await accept({ email: "late@acme.test", password: PASSWORD })).status).toBe(404);
    expect(
      (await client(url)("POST", "/api/auth/login?cli=1", { email: "late@acme.test", password: PASSWORD })).status,
    ).toBe(200);
  });

  it("a revoked key fails at once", async () => {
    const created = await owner<{ key: string; apiKey: { keyId: string } }>(
      "POST",
      "/api/organizations/acme/api-keys",
      {
        name: "short-lived",
      },
    );
    const key = client(url, { key: created.body.key });
    expect((await key("GET", "/api/history")).status).toBe(200);
    expect((await owner("DELETE", `/api/organizations/acme/api-keys/${created.body.apiKey.keyId}`)).status).toBe(200);
    expect((await key("GET", "/api/history")).status).toBe(401);
    const bearer = client(url, { token: created.body.key });
    expect((await bearer("GET", "/api/history")).status).toBe(401);
  });

  it("OTLP needs a key bound to a project, and files the runs under it", async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "otel-app" } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: "5b8aa5a2d2c872e8321cf37308d69df2",
                  spanId: "00000000000000f1",
                  name: "chat gpt-5",
                  kind: 1,
                  startTimeUnixNano: String(Date.now() * 1e6),
                  endTimeUnixNano: String((Date.now() + 5) * 1e6),
                  attributes: [
                    { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
                    { key: "gen_ai.request.model", value: { stringValue: "gpt-5" } },
                  ],
                  status: { code: 0 },
                },
              ],
            },
          ],
        },
      ],
    };
    const send = (headers: Record<string, string>) =>
      fetch(`${url}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-keystroke-project": "globex/ops", ...headers },
        body: JSON.stringify(body),
      });
    expect((await send({})).status).toBe(401);
    const unbound = await owner<{ key: string }>("POST", "/api/organizations/acme/api-keys", { name: "no project" });
    expect((await send({ "x-api-key": unbound.body.key })).status).toBe(403);
    expect((await send({ "x-api-key": acmeKey })).status).toBe(200);
    // The spans are filed under the key's project, which its organization's members see.
    const otel = await owner<{ runs: { project: string }[] }>("GET", "/api/history?trigger=OpenTelemetry");
    expect(otel.body.runs.map((r) => r.project)).toEqual(["acme/support"]);
    const acmeRuns = await owner<{ runs: { project: string; runId: string }[] }>("GET", "/api/history?limit=100");
    expect(acmeRuns.body.runs.map((r) => r.project)).toContain("acme/support");
    const globexRuns = await stranger<{ runs: { project: string }[] }>("GET", "/api/history?limit=100");
    expect(globexRuns.body.runs.map((r) => r.project)).toEqual(["globex/ops"]);
  });

  it("documents the sign-in, organization and key routes it serves in its OpenAPI document", async () => {
    const document = await owner<{
      paths: Record<string, Record<string, unknown>>;
      components: Record<string, unknown>;
    }>("GET", "/api/openapi.json");
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/auth/login",
        "/api/auth/device/token",
        "/api/organizations/{org}/api-keys/{keyId}",
      ]),
    );
    for (const [path, operations] of Object.entries(document.body.paths)) {
      for (const method of Object.keys(operations)) {
        const route = { method: method.toUpperCase() as "GET", url: path.replace(/\{(\w+)\}/g, ":$1") };
        expect(running.server.hasRoute(route), `${method} ${path}`).toBe(true);
      }
    }
    expect(document.body.components.securitySchemes).toBeDefined();
  });

  it("judges a path written another way as the route it reaches", async () => {
    const anonymous = client(url);
    expect((await anonymous("GET", "/%61pi/history")).status).toBe(401);
    expect((await anonymous("GET", "/api/%68istory")).status).toBe(401);
    expect((await anonymous("POST", "/%61pi/ingest", runBatch(newRunId(), "support", "x"))).status).toBe(401);
    expect(ids(await builder("GET", "/%61pi/history"))).toEqual([]);
  });

  it("a batch that names another organization's run in its events is refused too", async () => {
    const acme = client(url, { key: acmeKey });
    const event = {
      runId: globexRun,
      eventId: "sneaky-2",
      type: "run.finished",
      time: new Date().toISOString(),
      status: "failed",
    };
    expect((await acme("POST", "/api/ingest", { events: [event] })).status).toBe(404);
    const after = await stranger<{ run: { status: string } }>("GET", `/api/history/${globexRun}`);
    expect(after.body.run.status).toBe("running");
  });

  it("a key bound to a project reaches that project only, and manages nothing", async () => {
    const bound = client(url, { key: acmeKey });
    // Its project's runs only: the one ingested, and the OTLP one its key sent above.
    const seen = await bound<{ runs: { runId: string; project: string }[] }>("GET", "/api/history");
    expect(seen.body.runs.map((r) => r.runId)).toContain(acmeRun);
    expect(seen.body.runs.map((r) => r.project)).toEqual(["acme/support", "acme/support"]);
    expect((await bound("GET", `/api/history/${hiddenRun}`)).status).toBe(404);
    const listed = await bound<{ projects: { slug: string }[] }>("GET", "/api/organizations/acme/projects");
    expect(listed.body.projects.map((p) => p.slug)).toEqual(["support"]);
    expect((await bound("POST", "/api/organizations/acme/api-keys", { name: "escalate" })).status).toBe(403);
    expect((await bound("POST", "/api/organizations/acme/invites", { role: "builder" })).status).toBe(403);
  });

  it("a Builder's key bound to one of their projects reaches that project only", async () => {
    expect(
      (await builder("POST", "/api/organizations/acme/projects", { slug: "lab-two", name: "Lab two" })).status,
    ).toBe(200);
    const labRun = newRunId();
    const twoRun = newRunId();
    expect((await builder("POST", "/api/ingest", runBatch(labRun, "lab", "lab notes"))).status).toBe(200);
    expect((await builder("POST", "/api/ingest", runBatch(twoRun, "lab-two", "second lab notes"))).status).toBe(200);
    const created = await builder<{ key: string }>("POST", "/api/organizations/acme/api-keys", {
      name: "lab ci",
      project: "lab",
    });
    expect(created.status).toBe(200);
    const bound = client(url, { key: created.body.key });
    expect(ids(await bound("GET", "/api/history"))).toEqual([labRun]);
    expect((await bound("GET", `/api/history/${twoRun}`)).status).toBe(404);
    expect(ids(await builder("GET", "/api/history"))).toEqual([labRun, twoRun].sort());
  });

  it("rate-limits sign-in: 5 failures lock the email for 15 minutes (429 with Retry-After), parallel guesses included", async () => {
    const anonymous = client(url);
    const guess = () => anonymous("POST", "/api/auth/login", { email: "admin@acme.test", password: "wrong password!" });
    const statuses = (await Promise.all(Array.from({ length: 20 }, guess))).map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status !== 401).every((status) => status === 429)).toBe(true);
    const locked = await anonymous("POST", "/api/auth/login", { email: "admin@acme.test", password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
  });
});
