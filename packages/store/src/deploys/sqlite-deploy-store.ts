/** Deploys on SQLite, in the store's own file (migration 7). */
import type Database from "better-sqlite3";
import {
  DEPLOY_COLUMNS,
  DEPLOY_LIST_COLUMNS,
  type DeployRecord,
  type DeployRow,
  type DeployStore,
  type DeployWithFiles,
  deployOfRow,
  deployValues,
  LIVE_DEPLOYS_SQL,
  type LiveDeploy,
  withFiles,
} from "./deploy-store.js";

/** @example const deploys = new SqliteDeployStore(store.db); */
export class SqliteDeployStore implements DeployStore {
  constructor(readonly db: Database.Database) {}

  async record(deploy: DeployRecord, files?: Record<string, string>): Promise<void> {
    this.db
      .prepare(`INSERT INTO deploys (${DEPLOY_COLUMNS}) VALUES (${DEPLOY_COLUMNS.split(",").fill("?").join(", ")})`)
      .run(...deployValues(deploy, files));
  }

  async list(organization: string, project: string, limit = 50): Promise<DeployRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT ${DEPLOY_LIST_COLUMNS} FROM deploys WHERE organization = ? AND project = ? ORDER BY no DESC LIMIT ?`,
      )
      .all(organization, project, limit) as DeployRow[];
    return rows.map(deployOfRow);
  }

  async latestLive(organization: string, project: string): Promise<DeployWithFiles | undefined> {
    const row = this.db
      .prepare(
        "SELECT * FROM deploys WHERE organization = ? AND project = ? AND status = 'live' ORDER BY no DESC LIMIT 1",
      )
      .get(organization, project) as DeployRow | undefined;
    return row ? withFiles(row) : undefined;
  }

  async liveDeploys(): Promise<LiveDeploy[]> {
    const rows = this.db.prepare(LIVE_DEPLOYS_SQL).all() as {
      deploy_id: string;
      organization: string;
      project: string;
    }[];
    return rows.map((row) => ({ deployId: row.deploy_id, organization: row.organization, project: row.project }));
  }
}
