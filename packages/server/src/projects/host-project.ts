/**
 * Serves a project from a running server: loads it, records the sessions a previous server left
 * running as interrupted, and reloads on every change under `src/` or to `keystroke.config.ts`.
 * A reload that fails keeps the last good project serving and reports why.
 */
import { type FSWatcher, watch } from "node:fs";
import { join } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { qualifiedProject } from "../auth/caller.js";
import type { KeystrokeServer } from "../create-server.js";
import { CONFIG_FILE, type LoadedProject, loadProject } from "./load-project.js";

export interface ProjectEvents {
  onReload?(project: LoadedProject, changed: string[]): void;
  onReloadError?(error: unknown, changed: string[]): void;
}

export interface HostedProject {
  current(): LoadedProject;
  /** Runs ids of the sessions found interrupted at start and recorded failed. */
  interrupted: string[];
  /** Stops watching; the server keeps serving the last project. */
  close(): void;
}

const RELOAD_DEBOUNCE_MS = 120;

/** @example const hosted = await hostProject(server, "examples/starter", { watch: true }); */
export async function hostProject(
  server: KeystrokeServer,
  dir: string,
  options: { watch?: boolean } & ProjectEvents = {},
): Promise<HostedProject> {
  let project = await forServer(server, await loadProject(dir));
  useProject(server, project);
  const interrupted = await server.agents.failInterruptedRuns();
  await server.workflows.startRuns();
  await server.triggers.start();
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  let reloading = Promise.resolve();

  const reload = () => {
    const files = [...changed];
    changed = new Set();
    reloading = reloading.then(async () => {
      try {
        const before = project.config.project;
        project = await forServer(server, await loadProject(dir));
        useProject(server, project);
        if (project.config.project !== before) {
          // Renamed in its config: the old name is served no more.
          server.agents.drop(before);
          server.workflows.drop(before);
        }
        options.onReload?.(project, files);
      } catch (error) {
        options.onReloadError?.(error, files);
      }
    });
  };
  const onChange = (file: string) => {
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(reload, RELOAD_DEBOUNCE_MS);
  };
  if (options.watch) {
    watchers.push(
      watch(join(project.dir, "src"), { recursive: true }, (_event, name) => onChange(join("src", String(name ?? "")))),
    );
    watchers.push(
      watch(project.dir, (_event, name) => {
        if (name === CONFIG_FILE) onChange(CONFIG_FILE);
      }),
    );
  }
  return {
    current: () => project,
    interrupted,
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** Serves the folder project's agents, workflows and triggers from now on, in place of its last version. */
export function useProject(server: Pick<KeystrokeServer, "agents" | "workflows" | "triggers">, project: LoadedProject) {
  server.agents.use(project);
  server.workflows.use(project);
  server.triggers.use(project);
}

/**
 * On a server with auth, a project belongs to an organization: its runs are recorded under
 * `<organization>/<project>`, and the project is created in the organization when it is new
 * (its first Owner its creator). The organization must exist and be named in keystroke.config.ts.
 */
export async function forServer(server: Pick<KeystrokeServer, "auth">, project: LoadedProject): Promise<LoadedProject> {
  const auth = server.auth;
  if (!auth) return project;
  const { organization, project: slug } = project.config;
  if (!organization) {
    throw new KeystrokeError("invalid_input", `${CONFIG_FILE} must name its organization to be served with auth`, {
      hint: 'Add organization: "<slug>" to defineConfig (keystroke projects link does it), or serve with --no-auth',
      details: { field: "organization" },
    });
  }
  const org = await auth.identity.getOrganization(organization);
  if (!org) {
    throw new KeystrokeError("not_found", `No organization "${organization}" on this server`, {
      hint: "Create it first (the first start's KEYSTROKE_INIT_ORG, or the web page), or fix keystroke.config.ts",
    });
  }
  if (!(await auth.identity.getProject(org.orgId, slug))) {
    const owner = (await auth.identity.listMembers(org.orgId)).find((member) => member.role === "owner");
    if (owner) await auth.identity.createProject(org.orgId, { slug, name: slug }, owner.user.userId);
  }
  return { ...project, config: { ...project.config, project: qualifiedProject(organization, slug) } };
}
