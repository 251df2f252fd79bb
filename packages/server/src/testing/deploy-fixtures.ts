/**
 * What the deploy tests share: an HTTP client that carries a key or a session, an agent file, a
 * small project (acme/support) and the body of a deploy upload.
 */

import { join } from "node:path";
import { contentHash } from "@keystroke/core/content-hash";
import type { DeployRecord } from "@keystroke/store";
import { type RunningServer, startServer } from "../start-server.js";

export const PASSWORD = "correct horse battery staple";

/** A team server on a SQLite file in `dir`, whose first start creates acme, its Owner and the key `apiKey`. */
export function startAcmeServer(dir: string, apiKey: string): Promise<RunningServer> {
  return startServer({
    port: 0,
    dbPath: join(dir, "keystroke.db"),
    auth: { init: { organization: "acme", email: "owner@acme.test", password: PASSWORD, apiKey } },
  });
}

/** The fields the tests read, from whichever answer has them. */
export interface Reply {
  deploy: DeployRecord;
  deploys: DeployRecord[];
  status: string;
  runId: string;
  runs: { runId: string; project: string }[];
  agents: { slug: string; description: string }[];
  error: { message: string; hint: string };
  url: string;
  token: string;
  members: { userId: string; email: string }[];
}

export type Answer = { status: number; body: Reply };

/** A JSON client of `url` that sends an API key, a session token, an organization and a project when given. */
export function client(url: string, credential: { key?: string; token?: string; org?: string; project?: string }) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (credential.key) headers["x-api-key"] = credential.key;
    if (credential.token) headers.authorization = `Bearer ${credential.token}`;
    if (credential.org) headers["x-keystroke-organization"] = credential.org;
    if (credential.project) headers["x-keystroke-project"] = credential.project;
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: JSON.parse((await response.text()) || "{}") };
  };
}

/** An agent module on the demo model; `reply` is added to its description. */
export const agentFile = (slug: string, reply = "") => `import { defineAgent } from "keystroke/agent";

export const ${slug} = defineAgent({
  slug: "${slug}",
  name: "${slug}",
  description: "Answers ${slug} questions${reply}",
  systemPrompt: "You help customers.",
  model: "demo/${slug}",
});
`;

/** acme/support with one agent, `support`. */
export const deployedProject = {
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";\nexport default defineConfig({ organization: "acme", project: "support" });\n`,
  "package.json": `${JSON.stringify({ name: "support", type: "module" })}\n`,
  "src/agents/support.ts": agentFile("support"),
};

/** The body of `POST …/deploys` for `files`. */
export const upload = (files: Record<string, string>, filter?: string) => ({
  files,
  hash: contentHash(files),
  ...(filter ? { filter } : {}),
});
