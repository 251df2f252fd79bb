/**
 * The OpenAPI paths of a team server's sign-in, organizations, members, invites, projects and
 * API keys (docs/auth.md), and its security schemes. Added to the document only when the server
 * has auth, so the document lists the routes this server serves.
 */
type JsonSchema = Record<string, unknown>;

const object = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: "object",
  properties,
  ...(required.length ? { required } : {}),
});
const str = { type: "string" };
const role = { type: "string", enum: ["owner", "admin", "builder"] };
const body = (schema: JsonSchema) => ({ required: true, content: { "application/json": { schema } } });
const answer = (description: string, schema: JsonSchema = { type: "object" }) => ({
  description,
  content: { "application/json": { schema } },
});
const error = (description: string) =>
  answer(description, object({ error: object({ code: str, message: str, hint: str }) }));
const path = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: str });
const org = path("org", "Organization slug");
const denied = {
  "401": error("No session or API key, or a revoked one"),
  "404": error("Not found, or in an organization the caller is not in"),
};
const open = { security: [] as unknown[] };

export const authSecuritySchemes = {
  bearer: { type: "http", scheme: "bearer", description: "An API key (ks_…) or a session token from sign-in" },
  apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
  session: { type: "apiKey", in: "cookie", name: "keystroke_session" },
};

export const authSecurity = [{ bearer: [] }, { apiKey: [] }, { session: [] }];

export const authPaths = {
  "/api/auth/setup": {
    post: {
      ...open,
      summary: "First start: the first organization and its Owner, with the one-time token the console printed",
      requestBody: body(
        object({ token: str, organization: str, email: str, password: str, name: str }, [
          "token",
          "organization",
          "email",
          "password",
        ]),
      ),
      responses: {
        "200": answer("Signed in (session cookie)"),
        "400": error("A field is not valid"),
        "404": error("The token was used or is not valid"),
      },
    },
  },
  "/api/auth/login": {
    post: {
      ...open,
      summary: "Sign in with email and password: a session cookie, or with ?cli=1 a token in the body",
      parameters: [{ name: "cli", in: "query", schema: { type: "string", enum: ["1"] } }],
      requestBody: body(object({ email: str, password: str }, ["email", "password"])),
      responses: {
        "200": answer("Signed in", object({ user: { type: "object" }, token: str })),
        "401": error("Wrong email or password"),
        "429": error("Too many failures: locked for 15 minutes (Retry-After)"),
      },
    },
  },
  "/api/auth/logout": { post: { summary: "End this session", responses: { "200": answer("Signed out") } } },
  "/api/auth/me": {
    get: {
      summary: "The caller: user, organizations with roles, the active organization, session or API key",
      responses: { "200": answer("The caller"), "401": error("Not signed in") },
    },
  },
  "/api/auth/device": {
    post: {
      ...open,
      summary: "Start a CLI sign-in: a device code to poll with, a user code and the URL to approve it at",
      responses: {
        "200": answer(
          "Started",
          object({
            deviceCode: str,
            userCode: str,
            verificationUrl: str,
            interval: { type: "integer" },
            expiresIn: { type: "integer" },
          }),
        ),
      },
    },
  },
  "/api/auth/device/token": {
    post: {
      ...open,
      summary: "Poll a CLI sign-in: 428 while waiting, then the session token",
      requestBody: body(object({ deviceCode: str }, ["deviceCode"])),
      responses: {
        "200": answer("Approved", object({ token: str })),
        "428": error("authorization_pending"),
        "410": error("Expired"),
      },
    },
  },
  "/api/auth/device/approve": {
    post: {
      summary: "Approve the CLI waiting on this user code (signed in)",
      requestBody: body(object({ userCode: str }, ["userCode"])),
      responses: { "200": answer("Approved"), ...denied },
    },
  },
  "/api/auth/invites/accept": {
    post: {
      ...open,
      summary: "Join an organization with an invite token, creating the user when the email is new",
      requestBody: body(object({ token: str, email: str, password: str, name: str }, ["token", "email", "password"])),
      responses: { "200": answer("Joined and signed in"), "404": error("Used, expired or unknown invite") },
    },
  },
  "/api/organizations": {
    get: {
      summary: "The caller's organizations with their roles",
      responses: { "200": answer("Organizations"), ...denied },
    },
    post: {
      summary: "Create an organization; the caller is its Owner",
      requestBody: body(object({ slug: str, name: str }, ["slug"])),
      responses: { "200": answer("Created"), "409": error("The slug is taken"), ...denied },
    },
  },
  "/api/organizations/{org}/members": {
    get: { summary: "Members with their roles", parameters: [org], responses: { "200": answer("Members"), ...denied } },
  },
  "/api/organizations/{org}/members/{userId}": {
    patch: {
      summary: "Change a member's role (Owner/Admin; only an Owner makes or unmakes an Owner; the last Owner stays)",
      parameters: [org, path("userId", "usr_…")],
      requestBody: body(object({ role }, ["role"])),
      responses: {
        "200": answer("Changed"),
        "403": error("The caller's role does not allow it"),
        "409": error("The last Owner"),
        ...denied,
      },
    },
    delete: {
      summary: "Remove a member (Owner/Admin)",
      parameters: [org, path("userId", "usr_…")],
      responses: { "200": answer("Removed"), "403": error("The caller's role does not allow it"), ...denied },
    },
  },
  "/api/organizations/{org}/invites": {
    post: {
      summary:
        "An invite link, valid 7 days, once: Owners and Admins invite Admins or Builders, Builders invite Builders",
      parameters: [org],
      requestBody: body(object({ role, email: str })),
      responses: {
        "200": answer("The link", object({ url: str, role, expiresAt: str })),
        "403": error("The caller's role does not allow it"),
        ...denied,
      },
    },
  },
  "/api/organizations/{org}/projects": {
    get: {
      summary: "The projects the caller can access",
      parameters: [org],
      responses: { "200": answer("Projects"), ...denied },
    },
    post: {
      summary: "Create a project; the caller is its Project Admin",
      parameters: [org],
      requestBody: body(object({ slug: str, name: str }, ["slug"])),
      responses: { "200": answer("Created"), "409": error("The slug is taken in this organization"), ...denied },
    },
  },
  "/api/organizations/{org}/api-keys": {
    get: {
      summary: "API keys, as previews: Builders see their own, Owners and Admins all",
      parameters: [org],
      responses: { "200": answer("Keys"), ...denied },
    },
    post: {
      summary:
        "Create a key acting as the caller (optionally bound to a project, which OTLP needs); the key is in this answer only",
      parameters: [org],
      requestBody: body(object({ name: str, project: str }, ["name"])),
      responses: { "200": answer("The key, shown once", object({ key: str, apiKey: { type: "object" } })), ...denied },
    },
  },
  "/api/organizations/{org}/projects/{project}/deploys": {
    get: {
      summary: "The project's deploys, newest first: time, author, content hash, status (live or failed) and error",
      parameters: [org, path("project", "Project slug")],
      responses: { "200": answer("Deploys"), ...denied },
    },
    post: {
      summary:
        "Upload the project's files and promote them as its live runtime once they load (the previous version serves until then); with `filter`, one module laid over the live deploy",
      parameters: [org, path("project", "Project slug")],
      requestBody: body(
        object(
          {
            files: {
              type: "object",
              additionalProperties: str,
              description: "path → text: keystroke.config.ts, package.json, src/…",
            },
            hash: { ...str, description: "SHA-256 over the sorted paths and contents" },
            filter: { ...str, description: "e.g. agents/support" },
          },
          ["files", "hash"],
        ),
      ),
      responses: {
        "200": answer("Live"),
        "400": error("A path or the hash is not valid, or the project did not load (its error; the old version stays)"),
        "409": error("This server serves the project from its folder"),
        ...denied,
      },
    },
  },
  "/api/organizations/{org}/api-keys/{keyId}": {
    delete: {
      summary: "Revoke a key (its creator, or an Owner or Admin): it fails at once",
      parameters: [org, path("keyId", "key_…")],
      responses: { "200": answer("Revoked"), ...denied },
    },
  },
};
