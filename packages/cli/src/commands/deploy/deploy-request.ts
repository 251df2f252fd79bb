/**
 * The deploy routes of a team server (`/api/organizations/:org/projects/:project/deploys`), sent
 * with the resolved target's token and organization, as the CLI's client sends every request.
 */
import { fromErrorBody, KeystrokeError } from "@keystroke/core";
import type { DeployRecord } from "@keystroke/store";
import { notSignedIn } from "../../credentials/signed-in.js";
import { nodeHttpFetch } from "../../target/node-http-fetch.js";
import type { Target } from "../../target/resolve-target.js";

export type { DeployRecord };

const projectPath = (organization: string, project: string) =>
  `/api/organizations/${encodeURIComponent(organization)}/projects/${encodeURIComponent(project)}/deploys`;

async function call<T>(target: Target, organization: string, project: string, body?: unknown): Promise<T> {
  if (!target.token) throw notSignedIn(target.url);
  const url = new URL(projectPath(organization, project), target.url);
  let response: Awaited<ReturnType<typeof nodeHttpFetch>>;
  try {
    response = await nodeHttpFetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${target.token}`,
        "x-keystroke-organization": organization,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new KeystrokeError("unreachable", `No Keystroke server answered at ${target.url}`, {
      hint: "Check the server's address (`keystroke auth status`)",
      cause,
    });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw fromErrorBody(parsed, response.status);
  return parsed as T;
}

/** `POST …/deploys`: resolves with the live deploy's record once the server serves it. */
export async function postDeploy(
  target: Target,
  at: { organization: string; project: string },
  upload: { files: Record<string, string>; hash: string; filter?: string },
): Promise<DeployRecord> {
  return (await call<{ deploy: DeployRecord }>(target, at.organization, at.project, upload)).deploy;
}

/** `GET …/deploys`: the project's deploys, newest first. */
export async function listDeploys(
  target: Target,
  at: { organization: string; project: string },
): Promise<DeployRecord[]> {
  return (await call<{ deploys: DeployRecord[] }>(target, at.organization, at.project)).deploys;
}
