/**
 * Serves a project from a running server: loads it, records the sessions a previous server left
 * running as interrupted, and reloads on every change under `src/` or to `keystroke.config.ts`.
 * A reload that fails keeps the last good project serving and reports why.
 */
import { type FSWatcher, watch } from "node:fs";
import { join } from "node:path";
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
  let project = await loadProject(dir);
  server.agents.use(project);
  server.workflows.use(project);
  server.triggers.use(project);
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
        project = await loadProject(dir);
        server.agents.use(project);
        server.workflows.use(project);
        server.triggers.use(project);
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
