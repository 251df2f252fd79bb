/**
 * Deploys of a team server: each upload of a project (`keystroke deploy`), whether it went live
 * or failed to load, with its author and content hash. A live deploy keeps its files, so a
 * restarted server (or another replica) can load what was deployed without the CLI.
 */

/** A deploy went `live` (it loaded and was promoted) or `failed` (it did not load; nothing changed). */
export type DeployStatus = "live" | "failed";

export interface DeployRecord {
  deployId: string;
  /** The organization's slug. */
  organization: string;
  /** The project's slug in the organization. */
  project: string;
  /** SHA-256 (hex) of the deployed files: their sorted paths and contents. */
  hash: string;
  authorId: string;
  authorEmail: string;
  createdAt: number;
  status: DeployStatus;
  /** The module a `--filter` deploy replaced (`agents/support`), else null. */
  filter: string | null;
  /** The agents and workflows the deploy served (empty for a failed one). */
  agents: string[];
  workflows: string[];
  /** Why a failed deploy did not load. */
  error: { code: string; message: string; hint?: string } | null;
}

/** A live deploy with its files (path → text). */
export interface DeployWithFiles extends DeployRecord {
  files: Record<string, string>;
}

export interface DeployStore {
  /** Records a deploy; a live one keeps `files`. */
  record(deploy: DeployRecord, files?: Record<string, string>): Promise<void>;
  /** The project's deploys, newest first. */
  list(organization: string, project: string, limit?: number): Promise<DeployRecord[]>;
  /** The project's newest live deploy, with its files. */
  latestLive(organization: string, project: string): Promise<DeployWithFiles | undefined>;
  /**
   * The newest live deploy of every project, without files (what a server hosts), oldest
   * project first.
   */
  liveDeploys(): Promise<LiveDeploy[]>;
}

/** Which deploy of a project is live. */
export interface LiveDeploy {
  deployId: string;
  organization: string;
  project: string;
}

/** The newest live deploy of each project (both stores run it as it is). */
export const LIVE_DEPLOYS_SQL = `SELECT deploy_id, organization, project FROM deploys d
  WHERE status = 'live' AND no = (SELECT max(no) FROM deploys e
    WHERE e.organization = d.organization AND e.project = d.project AND e.status = 'live')
  ORDER BY no`;

/** The row shape both stores read (`created_at` may come back as a string from PostgreSQL). */
export interface DeployRow {
  deploy_id: string;
  organization: string;
  project: string;
  hash: string;
  author_id: string;
  author_email: string;
  created_at: number | string;
  status: DeployStatus;
  filter: string | null;
  agents: string;
  workflows: string;
  error: string | null;
  files?: string | null;
}

export function deployOfRow(row: DeployRow): DeployRecord {
  return {
    deployId: row.deploy_id,
    organization: row.organization,
    project: row.project,
    hash: row.hash,
    authorId: row.author_id,
    authorEmail: row.author_email,
    createdAt: Number(row.created_at),
    status: row.status,
    filter: row.filter,
    agents: JSON.parse(row.agents) as string[],
    workflows: JSON.parse(row.workflows) as string[],
    error: row.error === null ? null : (JSON.parse(row.error) as DeployRecord["error"]),
  };
}

export function withFiles(row: DeployRow): DeployWithFiles {
  return { ...deployOfRow(row), files: JSON.parse(row.files ?? "{}") as Record<string, string> };
}

/** The values of an INSERT, in the column order of both migrations. */
export function deployValues(deploy: DeployRecord, files: Record<string, string> | undefined): unknown[] {
  return [
    deploy.deployId,
    deploy.organization,
    deploy.project,
    deploy.hash,
    deploy.authorId,
    deploy.authorEmail,
    deploy.createdAt,
    deploy.status,
    deploy.filter,
    JSON.stringify(deploy.agents),
    JSON.stringify(deploy.workflows),
    deploy.error === null ? null : JSON.stringify(deploy.error),
    files === undefined ? null : JSON.stringify(files),
  ];
}

export const DEPLOY_COLUMNS =
  "deploy_id, organization, project, hash, author_id, author_email, created_at, status, filter, agents, workflows, error, files";

/** Every column but `files`, for listings. */
export const DEPLOY_LIST_COLUMNS =
  "no, deploy_id, organization, project, hash, author_id, author_email, created_at, status, filter, agents, workflows, error";
