/** Deploys on PostgreSQL (migration 5), shared by every replica. */
import type pg from "pg";
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

const placeholders = DEPLOY_COLUMNS.split(",")
  .map((_, i) => `$${i + 1}`)
  .join(", ");

/** @example const deploys = new PgDeployStore(store.pool); */
export class PgDeployStore implements DeployStore {
  /** A pool whose connections use the store's schema (`PostgresRunStore.pool`). */
  constructor(readonly pool: pg.Pool) {}

  async record(deploy: DeployRecord, files?: Record<string, string>): Promise<void> {
    await this.pool.query(
      `INSERT INTO deploys (${DEPLOY_COLUMNS}) VALUES (${placeholders})`,
      deployValues(deploy, files),
    );
  }

  async list(organization: string, project: string, limit = 50): Promise<DeployRecord[]> {
    const { rows } = await this.pool.query<DeployRow>(
      `SELECT ${DEPLOY_LIST_COLUMNS} FROM deploys WHERE organization = $1 AND project = $2 ORDER BY no DESC LIMIT $3`,
      [organization, project, limit],
    );
    return rows.map(deployOfRow);
  }

  async latestLive(organization: string, project: string): Promise<DeployWithFiles | undefined> {
    const { rows } = await this.pool.query<DeployRow>(
      "SELECT * FROM deploys WHERE organization = $1 AND project = $2 AND status = 'live' ORDER BY no DESC LIMIT 1",
      [organization, project],
    );
    return rows[0] ? withFiles(rows[0]) : undefined;
  }

  async liveDeploys(): Promise<LiveDeploy[]> {
    const { rows } = await this.pool.query<{ deploy_id: string; organization: string; project: string }>(
      LIVE_DEPLOYS_SQL,
    );
    return rows.map((row) => ({ deployId: row.deploy_id, organization: row.organization, project: row.project }));
  }
}
