/**
 * KeystrokeClient: the HTTP API of a Keystroke server (docs/http-api.md, and docs/auth.md for a
 * team server's accounts) as typed methods, over the global fetch. Every failure is a
 * KeystrokeError: `unreachable` when no server answered, otherwise the error the server sent.
 */
import {
  fromErrorBody,
  type IngestBatchInput,
  KeystrokeError,
  type RunFilter,
  type RunStatus,
  runFilterToParams,
  type StoredEvent,
} from "@keystroke/core";
import {
  type CreatedApiKey,
  type DeviceLogin,
  type DeviceLoginPoll,
  type MeReply,
  type ProjectInfo,
  readCreatedApiKey,
  readDeviceLogin,
  readMe,
  readProject,
  readProjects,
  readToken,
} from "./account-replies.js";
import { includeParams, jsonPost, normalizeBaseUrl, orgPath, parseEvent, setPage } from "./request-parts.js";
import type {
  AgentList,
  HealthReply,
  IngestReply,
  PageRequest,
  PromptResult,
  RunInclude,
  RunPage,
  RunViewReply,
  SessionPage,
  TriggerInvoked,
  TriggerList,
  WorkflowList,
  WorkflowRunStarted,
} from "./responses.js";
import { readServerSentEvents } from "./server-sent-events.js";
import { type Endpoint, type HttpFetch, readBody, request, send, sendJson } from "./transport.js";

/** How to reach the server. */
export interface KeystrokeClientOptions {
  /** Where the server listens, e.g. `http://127.0.0.1:3400`. */
  baseUrl: string;
  /** How requests are sent; the global fetch by default (the CLI passes a lighter node:http one). */
  fetch?: HttpFetch;
  /** A session token (`keystroke auth login`) or an API key, sent as `Authorization: Bearer` on every request. */
  token?: string | undefined;
  /** The organization to act in, sent as `x-keystroke-organization` (an API key always acts in its own). */
  organization?: string | undefined;
  /**
   * The hosted project that agent, workflow and trigger requests act on, sent as
   * `x-keystroke-project` (a slug of the organization, or `<organization>/<project>`); needed on
   * a server hosting several projects the caller can access.
   */
  project?: string | undefined;
}

/** A new project of an organization. */
export interface CreateProjectRequest {
  slug: string;
  name: string;
}

/** A new API key: its name, and the project it is bound to (the OTLP receiver needs one). */
export interface CreateApiKeyRequest {
  name: string;
  project?: string | undefined;
}

/** Which sessions of an agent to list, and which page. */
export interface SessionListRequest extends PageRequest {
  status?: readonly RunStatus[] | undefined;
  project?: readonly string[] | undefined;
}

/** Which runs of a workflow to list, and which page. */
export interface WorkflowRunListRequest extends PageRequest {
  status?: readonly RunStatus[] | undefined;
}

/** How a workflow run is started. */
export interface RunWorkflowOptions {
  /** Sent as-is: the CLI says who it is with `x-keystroke-client`. */
  headers?: Record<string, string> | undefined;
}

/** Which attachments of a trigger source a request is about; none names them all. */
export interface TriggerTarget {
  workflow?: string | undefined;
  agent?: string | undefined;
}

/** How a trigger source is fired by hand. */
export interface InvokeTriggerRequest extends TriggerTarget {
  /** The event the source hands its attachments, as a real delivery would. */
  input?: unknown;
}

/** Where an event stream starts and what stops it. */
export interface StreamEventsOptions {
  /** Replay only events with a greater sequence number; 0 (the default) replays them all. */
  after?: number | undefined;
  /** Ends the stream; iteration then stops without an error. */
  signal?: AbortSignal | undefined;
}

/** A prompt, and how to follow it. */
export interface PromptRequest {
  message: string;
  sessionId?: string | undefined;
  /** Called with each run event of the session (and its subagents) as it is recorded. */
  onEvent?: ((event: StoredEvent) => void) | undefined;
  /** Sent as-is: the CLI says who it is with `x-keystroke-client`. */
  headers?: Record<string, string> | undefined;
}

/**
 * @example
 * const client = new KeystrokeClient({ baseUrl: "http://127.0.0.1:3400" });
 * const { runs } = await client.listRuns({ status: ["failed"] }, { limit: 20 });
 * const team = new KeystrokeClient({ baseUrl: "https://keystroke.example.com", token: process.env.KEYSTROKE_API_KEY });
 */
export class KeystrokeClient {
  readonly baseUrl: string;
  readonly fetch: HttpFetch | undefined;
  /** The organization requests act in, when one was given. */
  readonly organization: string | undefined;
  /** Private, so that printing the client never shows its token. */
  readonly #endpoint: Endpoint;

  constructor(options: KeystrokeClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.fetch = options.fetch;
    this.organization = options.organization;
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.organization) headers["x-keystroke-organization"] = options.organization;
    if (options.project) headers["x-keystroke-project"] = options.project;
    this.#endpoint = { baseUrl: this.baseUrl, fetch: this.fetch, headers };
  }

  /** `GET /api/auth/me`: who the token acts as, their organizations and the one requests act in. */
  me(): Promise<MeReply> {
    return this.account("GET", "/api/auth/me", readMe);
  }

  /** `POST /api/auth/device`: starts a CLI sign-in; a person approves `userCode` at `verificationUrl`. */
  startDeviceLogin(): Promise<DeviceLogin> {
    return this.account("POST", "/api/auth/device", readDeviceLogin, {});
  }

  /**
   * `POST /api/auth/device/token`: `pending` until the code is approved, then the session token.
   * An expired code rejects with `gone`.
   *
   * @example
   * const poll = await client.pollDeviceLogin(login.deviceCode);
   * if (poll.status === "approved") save(poll.token);
   */
  async pollDeviceLogin(deviceCode: string): Promise<DeviceLoginPoll> {
    const path = "/api/auth/device/token";
    const response = await request(this.#endpoint, this.url(path), jsonPost({ deviceCode }));
    const body = await readBody(response);
    if (response.ok) return { status: "approved", token: readToken(body, `POST ${this.baseUrl}${path}`) };
    const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
    if (response.status === 428 || code === "authorization_pending") return { status: "pending" };
    throw fromErrorBody(body, response.status);
  }

  /** `POST /api/auth/logout`: ends the session of this client's token. */
  async logout(): Promise<void> {
    await send(this.#endpoint, this.url("/api/auth/logout"), jsonPost({}));
  }

  /** `GET /api/organizations/:org/projects`: the projects of `org` the caller can access. */
  async listProjects(org: string): Promise<{ projects: ProjectInfo[] }> {
    return { projects: await this.account("GET", `${orgPath(org)}/projects`, readProjects) };
  }

  /** `POST /api/organizations/:org/projects`: a new project, the caller its Project Admin. */
  createProject(org: string, project: CreateProjectRequest): Promise<ProjectInfo> {
    return this.account("POST", `${orgPath(org)}/projects`, readProject, project);
  }

  /** `POST /api/organizations/:org/api-keys`: a new key, acting as the caller; `key` is shown this once. */
  createApiKey(org: string, apiKey: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return this.account("POST", `${orgPath(org)}/api-keys`, readCreatedApiKey, apiKey);
  }

  /** `GET /api/health`. */
  health(): Promise<HealthReply> {
    return sendJson(this.#endpoint, this.url("/api/health"));
  }

  /** `POST /api/ingest`: one batch of one run's events; resolves after the server committed it. */
  ingest(batch: IngestBatchInput): Promise<IngestReply> {
    return sendJson(this.#endpoint, this.url("/api/ingest"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(batch),
    });
  }

  /** `GET /api/history`: one page of History rows, newest first. */
  listRuns(filter: RunFilter = {}, page: PageRequest = {}): Promise<RunPage> {
    const params = runFilterToParams(filter);
    setPage(params, "", page);
    return sendJson(this.#endpoint, this.url("/api/history", params));
  }

  /** `GET /api/history/:runId` with the parts of `include` paged in. */
  getRun(runId: string, include: RunInclude = {}): Promise<RunViewReply> {
    const path = `/api/history/${encodeURIComponent(runId)}`;
    return sendJson(this.#endpoint, this.url(path, includeParams(include)));
  }

  /** `GET /api/agents/:slug/sessions`: one page of an agent's sessions, newest first. */
  listSessions(slug: string, request: SessionListRequest = {}): Promise<SessionPage> {
    const params = new URLSearchParams();
    if (request.status?.length) params.set("status", request.status.join(","));
    if (request.project?.length) params.set("project", request.project.join(","));
    setPage(params, "", request);
    return sendJson(this.#endpoint, this.url(`/api/agents/${encodeURIComponent(slug)}/sessions`, params));
  }

  /** `GET /api/agents/:slug/sessions/:sessionId`: the session's run, like getRun. */
  getSession(slug: string, sessionId: string, include: RunInclude = {}): Promise<RunViewReply> {
    const path = `/api/agents/${encodeURIComponent(slug)}/sessions/${encodeURIComponent(sessionId)}`;
    return sendJson(this.#endpoint, this.url(path, includeParams(include)));
  }

  /** `GET /api/agents`: the agents of the project the server hosts. */
  listAgents(): Promise<AgentList> {
    return sendJson(this.#endpoint, this.url("/api/agents"));
  }

  /** `GET /api/workflows`: the workflows of the project the server hosts, with their input and output schemas. */
  listWorkflows(): Promise<WorkflowList> {
    return sendJson(this.#endpoint, this.url("/api/workflows"));
  }

  /**
   * `POST /api/workflows/:slug/runs`: starts a run with `input` and resolves as soon as it is
   * created (it runs in the background). Input the workflow refuses rejects with `invalid_input`
   * naming the field, and no run is created.
   *
   * @example
   * const { runId } = await client.runWorkflow("fulfil-order", { orderId: "A-1001" });
   * for await (const event of client.streamEvents(runId)) if (event.type === "run.finished") break;
   */
  runWorkflow(slug: string, input: unknown, options: RunWorkflowOptions = {}): Promise<WorkflowRunStarted> {
    return sendJson(this.#endpoint, this.url(`/api/workflows/${encodeURIComponent(slug)}/runs`), {
      method: "POST",
      headers: { "content-type": "application/json", ...options.headers },
      body: JSON.stringify({ input }),
    });
  }

  /** `GET /api/workflows/:slug/runs`: one page of a workflow's runs, newest first. */
  listWorkflowRuns(slug: string, request: WorkflowRunListRequest = {}): Promise<RunPage> {
    const params = new URLSearchParams();
    if (request.status?.length) params.set("status", request.status.join(","));
    setPage(params, "", request);
    return sendJson(this.#endpoint, this.url(`/api/workflows/${encodeURIComponent(slug)}/runs`, params));
  }

  /** `GET /api/workflows/:slug/runs/:runId`: one run of the workflow, like getRun; not_found for another workflow's run. */
  getWorkflowRun(slug: string, runId: string, include: RunInclude = {}): Promise<RunViewReply> {
    const path = `/api/workflows/${encodeURIComponent(slug)}/runs/${encodeURIComponent(runId)}`;
    return sendJson(this.#endpoint, this.url(path, includeParams(include)));
  }

  /** `GET /api/trigger-sources`: every attachment of every trigger source of the hosted project. */
  listTriggers(): Promise<TriggerList> {
    return sendJson(this.#endpoint, this.url("/api/trigger-sources"));
  }

  /**
   * `POST /api/trigger-sources/:slug/invoke`: fires the source now, as a real delivery, for all
   * its attachments or the one `workflow` or `agent` names; resolves with the runs it started.
   *
   * @example
   * const { runIds } = await client.invokeTrigger("new-orders", { input: { orderId: "A-1" }, workflow: "fulfil-order" });
   */
  invokeTrigger(slug: string, request: InvokeTriggerRequest = {}): Promise<TriggerInvoked> {
    const { input, workflow, agent } = request;
    return this.postTrigger(slug, "invoke", { input, workflow, agent });
  }

  /**
   * `POST /api/trigger-sources/:slug/disable` or `/enable`: turns the source's attachments (or the
   * one `target` names) off or on; resolves with the attachments changed.
   */
  setTriggerEnabled(slug: string, enabled: boolean, target: TriggerTarget = {}): Promise<TriggerList> {
    return this.postTrigger(slug, enabled ? "enable" : "disable", { workflow: target.workflow, agent: target.agent });
  }

  /** `GET /api/trigger-sources/:slug/runs/:runId`: a run the source started, like getRun; not_found for any other run. */
  getTriggerRun(slug: string, runId: string, include: RunInclude = {}): Promise<RunViewReply> {
    const path = `/api/trigger-sources/${encodeURIComponent(slug)}/runs/${encodeURIComponent(runId)}`;
    return sendJson(this.#endpoint, this.url(path, includeParams(include)));
  }

  /**
   * `POST /api/agents/:slug/prompt`: resolves when the turn is recorded. With `onEvent`, the
   * answer streams as Server-Sent Events and each recorded event is handed over as it lands.
   */
  async prompt(slug: string, request: PromptRequest): Promise<PromptResult> {
    const url = this.url(`/api/agents/${encodeURIComponent(slug)}/prompt`);
    const body = JSON.stringify({
      message: request.message,
      ...(request.sessionId ? { sessionId: request.sessionId } : {}),
    });
    const headers = { "content-type": "application/json", ...request.headers };
    if (!request.onEvent) return sendJson(this.#endpoint, url, { method: "POST", headers, body });
    const response = await send(this.#endpoint, url, {
      method: "POST",
      headers: { ...headers, accept: "text/event-stream" },
      body,
    });
    if (response.body === null)
      throw new KeystrokeError("unreachable", `The server at ${this.baseUrl} sent no answer to the prompt`);
    for await (const message of readServerSentEvents(response.body)) {
      if (message.event === "result") return JSON.parse(message.data) as PromptResult;
      if (message.event === "error") throw fromErrorBody(JSON.parse(message.data), 500);
      request.onEvent(parseEvent(message.data, url));
    }
    throw new KeystrokeError(
      "unreachable",
      `The server at ${this.baseUrl} closed the prompt stream before the result`,
      {
        hint: "The server may have stopped; the session is recorded up to that point",
      },
    );
  }

  /**
   * `POST /api/runs/:runId/cancel`: stops a running session, or a queued, running, sleeping or
   * waiting workflow run; resolves with its final status (`conflict` when it already finished).
   */
  cancelRun(runId: string): Promise<{ runId: string; status: RunStatus }> {
    return sendJson(this.#endpoint, this.url(`/api/runs/${encodeURIComponent(runId)}/cancel`), { method: "POST" });
  }

  /**
   * `GET /api/runs/:runId/events`: replays the run's stored events after `after`, then yields new
   * ones as they commit, until the server ends the stream or `signal` aborts.
   *
   * @example
   * for await (const event of client.streamEvents(runId, { after: 0, signal })) console.log(event.seq, event.type);
   */
  async *streamEvents(runId: string, options: StreamEventsOptions = {}): AsyncGenerator<StoredEvent> {
    const params = new URLSearchParams({ after: String(options.after ?? 0) });
    const url = this.url(`/api/runs/${encodeURIComponent(runId)}/events`, params);
    const { signal } = options;
    try {
      const response = await send(this.#endpoint, url, { headers: { accept: "text/event-stream" }, signal });
      if (response.body === null) return;
      for await (const message of readServerSentEvents(response.body)) {
        yield parseEvent(message.data, url);
      }
    } catch (thrown) {
      if (signal?.aborted) return;
      throw thrown;
    }
  }

  private async account<T>(
    method: "GET" | "POST",
    path: string,
    read: (body: unknown, where: string) => T,
    body?: unknown,
  ): Promise<T> {
    const init = body === undefined ? { method } : jsonPost(body);
    return read(await sendJson(this.#endpoint, this.url(path), init), `${method} ${this.baseUrl}${path}`);
  }

  private postTrigger<T>(slug: string, action: string, body: Record<string, unknown>): Promise<T> {
    return sendJson(this.#endpoint, this.url(`/api/trigger-sources/${encodeURIComponent(slug)}/${action}`), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  private url(path: string, params?: URLSearchParams): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    if (params) url.search = params.toString();
    return url;
  }
}
