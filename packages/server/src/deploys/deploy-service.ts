/**
 * Deploys projects to this server: checks the upload, writes it to its folder, loads it, and
 * only then swaps it in for the project's live runtime, so the previous version serves until the
 * new one has loaded and keeps serving when it does not. The server hosts every project deployed
 * to it side by side, each with its own agents, workflows and trigger engine; a project the
 * server serves from its folder (`serve --dir`) is not deployed over. Deploys run one after
 * another; every one is recorded, live or failed.
 *
 * Replicas and workers on one database host the same deploys: a deploy reaches one replica, which
 * records it live with its files, and every other process follows (`follow`): it reads which
 * deploy of each project is live every second (one small indexed query, no files), and loads and
 * swaps in each that it does not host yet in the same way — the old version serving until the
 * new one has loaded. A deploy a follower cannot load is logged once and skipped; the follower
 * keeps that project's version until a newer deploy comes.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { KeystrokeError, toKeystrokeError } from "@keystroke/core";
import { contentHash } from "@keystroke/core/content-hash";
import type { DeployRecord, DeployStore, DeployWithFiles, LiveDeploy } from "@keystroke/store";
import { qualifiedProject } from "../auth/caller.js";
import type { KeystrokeServer } from "../create-server.js";
import { forServer } from "../projects/host-project.js";
import { CONFIG_FILE, type LoadedProject, loadProject } from "../projects/load-project.js";
import { checkDeployFiles, writeDeployFolder } from "./deploy-files.js";

/** What a deploy swaps: the services of the hosted projects, and sign-in for their organizations. */
export type DeployHost = Pick<KeystrokeServer, "agents" | "workflows" | "deployedTriggers" | "auth">;

export interface DeployUpload {
  organization: string;
  project: string;
  /** Path → text, checked by checkDeployFiles. */
  files: unknown;
  /** contentHash of `files`, as the CLI computed it. */
  hash: string;
  /** `agents/support`: the files replace that module's in the live deploy's. */
  filter?: string;
  author: { userId: string; email: string };
}

/** What `restore` hosted, and the deploys that did not load. */
export interface Restored {
  hosted: DeployRecord[];
  failed: { deployId: string; error: unknown }[];
}

/** How often a process looks for a deploy made through another process (KEYSTROKE_DEPLOY_FOLLOW_MS). */
export const DEPLOY_FOLLOW_MS = 1000;

const keyOf = (deploy: { organization: string; project: string }) =>
  qualifiedProject(deploy.organization, deploy.project);

export class DeployService {
  #queue: Promise<unknown> = Promise.resolve();
  /** Project (`org/project`) → the deploy of it this process hosts; and deploys that did not load here. */
  readonly #hosted = new Map<string, string>();
  readonly #unloadable = new Set<string>();
  /** Projects a deploy was promoted for here (served from a deploy, not a folder), and those whose interrupted sessions were recorded. */
  readonly #deployed = new Set<string>();
  readonly #swept = new Set<string>();
  #following: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: DeployHost,
    private readonly store: DeployStore,
    /** Where deploy folders are written: `<root>/<org>/<project>/<hash>/`. */
    readonly root: string,
  ) {}

  /** Deploys `upload` once the deploys before it finished; resolves with its live record. */
  deploy(upload: DeployUpload): Promise<DeployRecord> {
    return this.#serially(() => this.#deploy(upload));
  }

  /** The project's deploys, newest first. */
  list(organization: string, project: string): Promise<DeployRecord[]> {
    return this.store.list(organization, project);
  }

  /** Hosts the live deploy of every project, as a server starting does. */
  restore(): Promise<Restored> {
    return this.#serially(() => this.#restore());
  }

  /**
   * Follows the deploys other processes make: every `everyMs`, hosts each project's live deploy
   * when it is not the one hosted here. `onSwap` hears of each deploy taken up, `onError` of each
   * that did not load (once) and of a failed look. Stopped by `stopFollowing` (and on close).
   *
   * @example
   * server.deploys.follow({ onSwap: (d) => log(d.hash), onError: (e) => log(e) });
   */
  follow(options: {
    everyMs?: number;
    onSwap?: (deploy: DeployRecord) => void;
    onError: (error: unknown, deployId?: string) => void;
  }): void {
    this.stopFollowing();
    const look = () => {
      this.#queue = this.#queue.then(() => this.#catchUp(options)).catch((error: unknown) => options.onError(error));
    };
    this.#following = setInterval(look, options.everyMs ?? DEPLOY_FOLLOW_MS);
    this.#following.unref();
  }

  /** Stops following, and waits for a swap in flight. */
  async stopFollowing(): Promise<void> {
    clearInterval(this.#following);
    this.#following = undefined;
    await this.#queue;
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** A project this server serves from its folder (`serve --dir`): its deploys are not taken up here. */
  #fromFolder(key: string): boolean {
    return this.host.agents.project(key) !== undefined && !this.#deployed.has(key);
  }

  /** The live deploys this process does not host yet (nor failed to load, nor serves from its folder). */
  async #behind(): Promise<LiveDeploy[]> {
    const live = await this.store.liveDeploys();
    return live.filter(
      (d) =>
        this.#hosted.get(keyOf(d)) !== d.deployId && !this.#unloadable.has(d.deployId) && !this.#fromFolder(keyOf(d)),
    );
  }

  async #catchUp(options: Parameters<DeployService["follow"]>[0]): Promise<void> {
    if (this.#following === undefined) return;
    for (const live of await this.#behind()) {
      // A failed read is tried again at the next look; a deploy that does not load is not.
      const deploy = await this.store.latestLive(live.organization, live.project);
      if (!deploy || this.#hosted.get(keyOf(deploy)) === deploy.deployId) continue;
      try {
        options.onSwap?.(await this.#host(deploy));
      } catch (error) {
        this.#unloadable.add(deploy.deployId);
        options.onError(error, deploy.deployId);
      }
    }
  }

  async #restore(): Promise<Restored> {
    const restored: Restored = { hosted: [], failed: [] };
    for (const live of await this.#behind()) {
      const deploy = await this.store.latestLive(live.organization, live.project);
      if (!deploy) continue;
      try {
        restored.hosted.push(await this.#host(deploy));
      } catch (error) {
        this.#unloadable.add(deploy.deployId);
        restored.failed.push({ deployId: deploy.deployId, error });
      }
    }
    return restored;
  }

  /** Writes the deploy's folder from its stored files, loads it and swaps it in. */
  async #host(deploy: DeployWithFiles): Promise<DeployRecord> {
    const { dir } = writeDeployFolder(this.root, deploy, deploy.files);
    await this.#promote(await this.#load(dir, deploy.organization, deploy.project));
    this.#hosted.set(keyOf(deploy), deploy.deployId);
    const { files: _, ...record } = deploy;
    return record;
  }

  async #deploy(upload: DeployUpload): Promise<DeployRecord> {
    const { organization, project } = upload;
    const key = keyOf(upload);
    if (this.#fromFolder(key)) {
      throw new KeystrokeError("conflict", `This server serves ${key} from its folder; it cannot be deployed over`, {
        hint: "Restart the server without --dir to host what is deployed, or change the files in its folder",
        details: { project: key },
      });
    }
    const files = await this.#filesOf(upload);
    const hash = contentHash(files);
    const base = {
      deployId: `dep_${randomBytes(10).toString("hex")}`,
      organization,
      project,
      hash,
      authorId: upload.author.userId,
      authorEmail: upload.author.email,
      createdAt: Date.now(),
      filter: upload.filter ?? null,
    };
    const { dir, created } = writeDeployFolder(this.root, base, files);
    let loaded: LoadedProject;
    try {
      loaded = await this.#load(dir, organization, project);
    } catch (thrown) {
      if (created) rmSync(dir, { recursive: true, force: true });
      const error = toKeystrokeError(thrown);
      const reason = { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
      await this.store.record({ ...base, status: "failed", agents: [], workflows: [], error: reason });
      throw new KeystrokeError("invalid_input", `The deploy did not load: ${error.message}`, {
        hint: `${error.hint ? `${error.hint}. ` : ""}The live version keeps serving`,
        details: { deployId: base.deployId, hash, error: reason },
      });
    }
    await this.#promote(loaded);
    const record: DeployRecord = {
      ...base,
      status: "live",
      agents: [...loaded.agents.keys()],
      workflows: [...loaded.workflows.keys()],
      error: null,
    };
    await this.store.record(record, files);
    this.#hosted.set(key, record.deployId);
    return record;
  }

  /** The upload's files, checked against its hash; with a filter, laid over the live deploy's. */
  async #filesOf(upload: DeployUpload): Promise<Record<string, string>> {
    const uploaded = checkDeployFiles(upload.files);
    if (contentHash(uploaded) !== upload.hash) {
      throw new KeystrokeError("invalid_input", "hash: does not match the files received", {
        hint: "The upload was changed on its way; deploy again",
        details: { problems: [{ path: "hash", message: "expected the SHA-256 of the files sent" }] },
      });
    }
    if (!upload.filter) {
      if (uploaded[CONFIG_FILE] === undefined) {
        throw new KeystrokeError("invalid_input", `files: a deploy needs ${CONFIG_FILE}`, {
          details: { problems: [{ path: `files.${CONFIG_FILE}`, message: "expected the project's config" }] },
        });
      }
      return uploaded;
    }
    const live = await this.store.latestLive(upload.organization, upload.project);
    if (!live) {
      throw new KeystrokeError(
        "invalid_input",
        `--filter ${upload.filter}: ${upload.organization}/${upload.project} has no live deploy to lay it over`,
        { hint: "Deploy the whole project first: `keystroke deploy`" },
      );
    }
    return { ...live.files, ...uploaded };
  }

  /** Loads the folder as the project of the route (whatever its config names), qualified for this server. */
  async #load(dir: string, organization: string, project: string): Promise<LoadedProject> {
    const loaded = await loadProject(dir);
    return forServer(this.host, { ...loaded, config: { ...loaded.config, organization, project } });
  }

  /**
   * Serves a deployed project's new version; a project new to this process starts its runs and
   * triggers (tried again with its next version if that failed).
   */
  async #promote(project: LoadedProject): Promise<void> {
    const key = project.config.project;
    this.#deployed.add(key);
    this.host.agents.use(project);
    this.host.workflows.use(project);
    const triggers = this.host.deployedTriggers.of(key);
    triggers.use(project);
    if (!this.#swept.has(key)) {
      await this.host.agents.failInterruptedRuns(key);
      this.#swept.add(key);
    }
    await this.host.workflows.startRuns();
    await triggers.start();
  }
}
