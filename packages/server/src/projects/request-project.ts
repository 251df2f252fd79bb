/**
 * Which hosted project a request acts on. A server hosts one project (`dev`, `serve --dir`) or,
 * on a team server, every project deployed to it. A request names one with the
 * `x-keystroke-project` header — `<organization>/<project>`, or a project slug of the caller's
 * organization, as the CLI sends its linked project or `--project` — and may name only a project
 * it can access; without one it acts on the only project it can access. A caller who can access
 * none finds no agents, workflows or triggers; one who can access several must name one.
 */
import { KeystrokeError } from "@keystroke/core";
import type { FastifyRequest } from "fastify";
import type { AgentService } from "../agents/agent-service.js";
import { qualifiedProject } from "../auth/caller.js";

export const PROJECT_HEADER = "x-keystroke-project";

/** The hosted projects the request's caller can access (all of them on a server without auth). */
export function visibleProjects(request: FastifyRequest, agents: AgentService): string[] {
  const caller = request.caller;
  const hosted = agents.projects();
  return caller ? hosted.filter((key) => caller.projects.has(key)) : hosted;
}

/** The project the request names, if it names one. */
export function namedProject(request: FastifyRequest): string | undefined {
  const value = request.headers[PROJECT_HEADER];
  const named = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!named) return undefined;
  const org = request.caller?.active?.organization.slug;
  return named.includes("/") || !org ? named : qualifiedProject(org, named);
}

/**
 * The run `project` value of the hosted project the request acts on; undefined when the caller
 * can access none. 404 for a named project that is not hosted or not the caller's, 400 when
 * several could be meant.
 *
 * @example
 * const project = requestProject(request, agents); // "acme/support"
 */
export function requestProject(request: FastifyRequest, agents: AgentService): string | undefined {
  const visible = visibleProjects(request, agents);
  const named = namedProject(request);
  if (named !== undefined) {
    if (visible.includes(named)) return named;
    const shown = named.length > 200 ? `${named.slice(0, 200)}…` : named;
    throw new KeystrokeError(
      "not_found",
      `No project "${shown}" hosted on this server${request.caller ? " that you can access" : ""}`,
      {
        hint: visible.length
          ? `Projects hosted here: ${visible.join(", ")}`
          : request.caller
            ? "Deploy it first: `keystroke deploy` in the project's folder"
            : "This server serves the project in its folder only (`keystroke dev`)",
        details: { project: shown, hosted: visible },
      },
    );
  }
  if (visible.length <= 1) return visible[0];
  throw new KeystrokeError("invalid_input", `This server hosts several projects: name one (${visible.join(", ")})`, {
    hint: `Send ${PROJECT_HEADER}: <organization>/<project> (the CLI sends the project linked in keystroke.config.ts, or --project)`,
    details: { problems: [{ path: PROJECT_HEADER, message: "expected one of the hosted projects" }], hosted: visible },
  });
}

/** requestProject, or 404 when the caller can access no hosted project. */
export function requireProject(request: FastifyRequest, agents: AgentService): string {
  const project = requestProject(request, agents);
  if (project !== undefined) return project;
  throw new KeystrokeError("not_found", "This server hosts no project you can access here", {
    hint: agents.projects().length
      ? "Switch organization, or ask an Admin to add you to the project"
      : "Serve a project folder (`keystroke dev`), or deploy one (`keystroke deploy`)",
  });
}
