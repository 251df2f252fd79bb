/**
 * The hosted agents: `GET /api/agents` lists them, `POST /api/agents/:slug/prompt` prompts one
 * and answers when the turn is recorded, or — asked with `Accept: text/event-stream` — streams
 * the session's run events (its subagents' too) as they commit, then the result. On a server
 * hosting several projects the request names its project (request-project.ts).
 */
import type { ServerResponse } from "node:http";
import { type AgentList, type StoredEvent, toKeystrokeError } from "@keystroke/core";
import { newSessionId } from "@keystroke/core/ids";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { isAgent } from "keystroke/agent";
import { sseMessage } from "../events/sse-frame.js";
import { openSseResponse } from "../events/sse-response.js";
import { requestProject, requireProject } from "../projects/request-project.js";
import type { ServerContext } from "../server-context.js";
import { parsePromptBody } from "./prompt-body.js";
import { promptOrigin } from "./prompt-origin.js";

const wantsStream = (request: FastifyRequest) => (request.headers.accept ?? "").includes("text/event-stream");

/** Registers the agent routes; without a project they answer with no agents. */
export function agentRoutes(app: FastifyInstance, { agents, bus }: ServerContext): void {
  const open = new Set<ServerResponse>();
  app.addHook("preClose", (done) => {
    for (const response of open) response.end();
    done();
  });

  app.get("/api/agents", async (request): Promise<AgentList> => {
    const project = requestProject(request, agents);
    return {
      project: project ?? null,
      agents: (project === undefined ? [] : agents.list(project)).map((agent) => ({
        slug: agent.slug,
        name: agent.name,
        description: agent.description,
        model: agent.model,
        thinkingLevel: agent.thinkingLevel,
        maxSteps: agent.maxSteps,
        tools: agent.tools.map((tool) => ({
          slug: tool.slug,
          name: tool.name,
          kind: isAgent(tool) ? "agent" : "action",
        })),
      })),
    };
  });

  app.post<{ Params: { slug: string } }>("/api/agents/:slug/prompt", async (request, reply) => {
    const { slug } = request.params;
    const body = parsePromptBody(request.body);
    const project = requireProject(request, agents);
    agents.get(slug, project);
    const origin = promptOrigin(request, slug);
    const where = { project };
    if (!wantsStream(request)) return agents.prompt(slug, body, origin, where);

    const sessionId = body.sessionId ?? newSessionId();
    const runs = new Set<string>();
    const response = openSseResponse(reply);
    open.add(response);
    const unsubscribe = bus.subscribeAll(({ runId, events, run }) => {
      const ours =
        (run.project === project && run.slug === slug && run.sessionId === sessionId && run.parentRunId === null) ||
        (run.parentRunId !== null && runs.has(run.parentRunId));
      if (!ours) return;
      runs.add(runId);
      response.write(events.map((event: StoredEvent) => sseMessage(event.type, event)).join(""));
    });
    response.on("close", () => {
      unsubscribe();
      open.delete(response);
    });
    try {
      // The session goes on if the client leaves: it is recorded either way.
      const result = await agents.prompt(slug, { ...body, sessionId }, origin, where);
      response.write(sseMessage("result", result));
    } catch (error) {
      response.write(sseMessage("error", toKeystrokeError(error).toBody()));
    }
    unsubscribe();
    response.end();
  });
}
