import { KeystrokeError } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { KeystrokeClient } from "./keystroke-client.js";
import type { HttpFetch, HttpResponse, SendInit } from "./transport.js";

interface Sent {
  url: string;
  init: SendInit;
}

function answer(status: number, body: unknown, contentType = "application/json"): HttpResponse {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    text: async () => text,
    body: contentType === "text/event-stream" ? new Response(text).body : null,
  };
}

/** A fetch that records each request and answers from `routes` (by "METHOD /path"). */
function fakeServer(routes: Record<string, HttpResponse>): { fetch: HttpFetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: HttpFetch = async (url, init) => {
    sent.push({ url: url.href, init });
    const route = routes[`${init.method ?? "GET"} ${url.pathname}`];
    if (!route) return answer(404, { error: { code: "not_found", message: `No ${url.pathname}` } });
    return route;
  };
  return { fetch, sent };
}

const me = {
  user: { userId: "usr_1", email: "ada@example.com", name: "Ada" },
  organizations: [
    { slug: "acme", name: "Acme", role: "owner" },
    { organization: { slug: "globex", name: "Globex" }, role: "builder" },
  ],
  activeOrganization: { slug: "acme", name: "Acme" },
  via: "session",
};

describe("KeystrokeClient with a token and an organization", () => {
  it("sends both on every request, streams included", async () => {
    const event = { seq: 1, type: "run.created" };
    const { fetch, sent } = fakeServer({
      "GET /api/auth/me": answer(200, me),
      "GET /api/runs/run_1/events": answer(200, `data: ${JSON.stringify(event)}\n\n`, "text/event-stream"),
    });
    const client = new KeystrokeClient({ baseUrl: "http://team.test", fetch, token: "tok_1", organization: "acme" });
    await client.me();
    const streamed = [];
    for await (const e of client.streamEvents("run_1")) streamed.push(e);
    expect(streamed).toEqual([event]);
    for (const { init } of sent) {
      expect(init.headers).toMatchObject({ authorization: "Bearer tok_1", "x-keystroke-organization": "acme" });
    }
  });

  it("sends neither without them, and never shows the token when printed", async () => {
    const { fetch, sent } = fakeServer({ "GET /api/health": answer(200, { ok: true }) });
    await new KeystrokeClient({ baseUrl: "http://team.test", fetch }).health();
    expect(Object.keys(sent[0]?.init.headers ?? {})).toEqual(["accept"]);
    const { inspect } = await import("node:util");
    const printed = inspect(new KeystrokeClient({ baseUrl: "http://team.test", token: "tok_secret" }), { depth: 5 });
    expect(printed).not.toContain("tok_secret");
  });

  it("reads me(): organizations flat or nested, the active one as a slug", async () => {
    const { fetch } = fakeServer({ "GET /api/auth/me": answer(200, me) });
    expect(await new KeystrokeClient({ baseUrl: "http://team.test", fetch }).me()).toEqual({
      user: { userId: "usr_1", email: "ada@example.com", name: "Ada" },
      organizations: [
        { slug: "acme", name: "Acme", role: "owner" },
        { slug: "globex", name: "Globex", role: "builder" },
      ],
      activeOrganization: "acme",
      via: "session",
    });
  });

  it("refuses a reply without the fields a caller needs, naming the field", async () => {
    const { fetch } = fakeServer({ "GET /api/auth/me": answer(200, { user: {}, organizations: [] }) });
    const failure = await new KeystrokeClient({ baseUrl: "http://team.test", fetch }).me().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KeystrokeError);
    expect((failure as KeystrokeError).message).toBe(
      'GET http://team.test/api/auth/me answered with an unexpected body: expected "email" to be text',
    );
  });
});

describe("the device flow", () => {
  const login = {
    deviceCode: "dev_1",
    userCode: "ABCD-EFGH",
    verificationUrl: "http://team.test/device",
    interval: 1,
    expiresIn: 600,
  };

  it("starts, then polls: pending on 428, the token once approved", async () => {
    const routes: Record<string, HttpResponse> = {
      "POST /api/auth/device": answer(200, login),
      "POST /api/auth/device/token": answer(428, {
        error: { code: "authorization_pending", message: "Waiting for approval" },
      }),
    };
    const { fetch, sent } = fakeServer(routes);
    const client = new KeystrokeClient({ baseUrl: "http://team.test", fetch });
    expect(await client.startDeviceLogin()).toEqual(login);
    expect(await client.pollDeviceLogin("dev_1")).toEqual({ status: "pending" });
    expect(JSON.parse(sent[1]?.init.body ?? "")).toEqual({ deviceCode: "dev_1" });
    routes["POST /api/auth/device/token"] = answer(200, { token: "ses_1" });
    expect(await client.pollDeviceLogin("dev_1")).toEqual({ status: "approved", token: "ses_1" });
  });

  it("rejects an expired code with the server's error", async () => {
    const { fetch } = fakeServer({
      "POST /api/auth/device/token": answer(410, { error: { code: "gone", message: "The code expired" } }),
    });
    const failure = await new KeystrokeClient({ baseUrl: "http://team.test", fetch })
      .pollDeviceLogin("dev_1")
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "gone", message: "The code expired" });
  });
});

describe("organizations' projects and API keys", () => {
  it("lists and creates projects, and creates a key, under the organization's path", async () => {
    const { fetch, sent } = fakeServer({
      "GET /api/organizations/acme/projects": answer(200, { projects: [{ slug: "support", name: "Support" }] }),
      "POST /api/organizations/acme/projects": answer(201, { project: { slug: "billing", name: "Billing" } }),
      "POST /api/organizations/acme/api-keys": answer(201, {
        key: "ks_secret",
        apiKey: { keyId: "key_1", name: "ci", preview: "ks_abcd…wxyz" },
      }),
      "POST /api/auth/logout": answer(204, ""),
    });
    const client = new KeystrokeClient({ baseUrl: "http://team.test", fetch, token: "ses_1" });
    expect(await client.listProjects("acme")).toEqual({ projects: [{ slug: "support", name: "Support" }] });
    expect(await client.createProject("acme", { slug: "billing", name: "Billing" })).toEqual({
      slug: "billing",
      name: "Billing",
    });
    expect(await client.createApiKey("acme", { name: "ci", project: "billing" })).toEqual({
      key: "ks_secret",
      apiKey: { keyId: "key_1", name: "ci", preview: "ks_abcd…wxyz" },
    });
    await client.logout();
    expect(sent.map((s) => [s.init.method ?? "GET", new URL(s.url).pathname, s.init.body])).toEqual([
      ["GET", "/api/organizations/acme/projects", undefined],
      ["POST", "/api/organizations/acme/projects", '{"slug":"billing","name":"Billing"}'],
      ["POST", "/api/organizations/acme/api-keys", '{"name":"ci","project":"billing"}'],
      ["POST", "/api/auth/logout", "{}"],
    ]);
  });
});
