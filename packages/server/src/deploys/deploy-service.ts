/**
 * Deploys a project to this server: checks the upload, writes it to its folder, loads it, and
 * only then swaps it in for the live runtime, so the previous version serves until the new one
 * has loaded and keeps serving when it does not. A server hosts one project at a time (its agent,
 * workflow and trigger services each serve one), so a deploy of any other project is refused.
 * Deploys run one after another; every one is recorded, live or failed.
 *
 * Replicas and workers on one database host the same deploy: a deploy reaches one replica, which
 * records it live with its files, and every other process follows (`follow`): it looks at the id
 * of the newest live deploy every second (one indexed row, no files), and when that is not the
 * one it hosts, loads it from the store and swaps it in the same way — the old version serving
 * until the new one has loaded. A deploy a follower cannot load is logged once and skipped; the
 * follower keeps its version until a newer deploy comes.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { KeystrokeError, toKeystrokeError } from "@keystroke/core";
import { contentHash } from "@keystroke/core/content-hash";
import type { DeployRecord, DeployStore, DeployWithFiles } from "@keystroke/store";
import type { KeystrokeServer } from "../create-server.js";
import { forServer, useProject } from "../projects/host-project.js";
import { CONFIG_FILE, type LoadedProject, loadProject } from "../projects/load-project.js";
import { checkDeployFiles, writeDeployFolder } from "./deploy-files.js";

/** What a deploy swaps: the services of the one hosted project, and sign-in for its organization. */
export type DeployHost = Pick<KeystrokeServer, "agents" | "workflows" | "triggers" | "auth">;

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

/** How often a process looks for a deploy made through another process (KEYSTROKE_DEPLOY_FOLLOW_MS). */
export const DEPLOY_FOLLOW_MS = 1000;

export class DeployService {
  #queue: Promise<unknown> = Promise.resolve();
  /** The deploy this process hosts, and the deploys it could not load (not tried again). */
  #hosted: string | undefined;
  readonly #unloadable = new Set<string>();
  #following: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: DeployHost,
    private readonly store: DeployStore,
    /** Where deploy folders are written: `<root>/<org>/<project>/<hash>/`. */
    readonly root: string,
  ) {}

  /** Deploys `upload` once the deploys before it finished; resolves with its live record. */
  deploy(upload: DeployUpload): Promise<DeployRecord> {
    const next = this.#queue.then(() => this.#deploy(upload));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** The project's deploys, newest first. */
  list(organization: string, project: string): Promise<DeployRecord[]> {
    return this.store.list(organization, project);
  }

  /** Hosts the newest live deploy, as a server started without a project folder does; undefined when there is none. */
  restore(): Promise<DeployRecord | undefined> {
    const next = this.#queue.then(() => this.#restore());
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Follows the deploys other processes make: every `everyMs`, hosts the newest live deploy when
   * it is not the one hosted here. `onSwap` hears of each deploy taken up, `onError` of each that
   * did not load (once) and of a failed look. Stopped by `stopFollowing` (and on close).
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

  async #catchUp(options: Parameters<DeployService["follow"]>[0]): Promise<void> {
    if (this.#following === undefined) return;
    const newest = await this.store.newestLiveId();
    if (newest === undefined || newest === this.#hosted || this.#unloadable.has(newest)) return;
    // A failed read is tried again at the next look; a deploy that does not load is not.
    const deploy = await this.store.newestLive();
    if (!deploy || deploy.deployId === this.#hosted) return;
    try {
      options.onSwap?.(await this.#host(deploy));
    } catch (error) {
      this.#unloadable.add(deploy.deployId);
      options.onError(error, deploy.deployId);
    }
  }

  async #restore(): Promise<DeployRecord | undefined> {
    const newest = await this.store.newestLive();
    return newest ? this.#host(newest) : undefined;
  }

  /** Writes the deploy's folder from its stored files, loads it and swaps it in. */
  async #host(deploy: DeployWithFiles): Promise<DeployRecord> {
    const { dir } = writeDeployFolder(this.root, deploy, deploy.files);
    await this.#promote(await this.#load(dir, deploy.organization, deploy.project));
    this.#hosted = deploy.deployId;
    const { files: _, ...record } = deploy;
    return record;
  }

  async #deploy(upload: DeployUpload): Promise<DeployRecord> {
    const { organization, project } = upload;
    const hosted = this.host.agents.projectSlug;
    if (hosted && hosted !== `${organization}/${project}`) {
      throw new KeystrokeError(
        "conflict",
        `This server hosts ${hosted}; it cannot host ${organization}/${project} too`,
        {
          hint: "A server serves one live project: run one server per project, and deploy each project to its own",
          details: { hosted },
        },
      );
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
    this.#hosted = record.deployId;
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

  async #promote(project: LoadedProject): Promise<void> {
    const first = this.host.agents.current === undefined;
    useProject(this.host, project);
    if (!first) return;
    await this.host.agents.failInterruptedRuns();
    await this.host.workflows.startRuns();
    await this.host.triggers.start();
  }
}
