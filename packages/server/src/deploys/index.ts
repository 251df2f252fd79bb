/**
 * Deploys on a team server (`keystroke deploy`): the routes, the service that swaps the hosted
 * project, and where their folders and records are kept.
 */
import { dirname, join, resolve } from "node:path";
import {
  type DeployStore,
  type IdentityStore,
  PgDeployStore,
  PostgresRunStore,
  type RunStore,
  SqliteDeployStore,
  SqliteRunStore,
} from "@keystroke/store";
import type { FastifyInstance } from "fastify";
import { deployRoutes } from "./deploy-routes.js";
import { type DeployHost, DeployService } from "./deploy-service.js";

export { DeployService } from "./deploy-service.js";

/**
 * Where deploy folders go: `dir`, else KEYSTROKE_DEPLOY_DIR, else `deploys/` beside the SQLite
 * file, else `.keystroke/deploys` under the working folder.
 */
export function deployRoot(store: RunStore, dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (dir) return resolve(dir);
  if (env.KEYSTROKE_DEPLOY_DIR) return resolve(env.KEYSTROKE_DEPLOY_DIR);
  if (store instanceof SqliteRunStore && store.path !== ":memory:")
    return join(dirname(resolve(store.path)), "deploys");
  return resolve(".keystroke", "deploys");
}

function deployStoreOf(store: RunStore): DeployStore | undefined {
  if (store instanceof PostgresRunStore) return new PgDeployStore(store.pool);
  if (store instanceof SqliteRunStore) return new SqliteDeployStore(store.db);
  return undefined;
}

/** Adds the deploy routes when the store can keep deploys; returns the service, or undefined. */
export function useDeploys(
  app: FastifyInstance,
  options: { store: RunStore; identity: IdentityStore; host: DeployHost; dir?: string | undefined },
): DeployService | undefined {
  const store = deployStoreOf(options.store);
  if (!store) return undefined;
  const deploys = new DeployService(options.host, store, deployRoot(options.store, options.dir));
  deployRoutes(app, deploys, options.identity);
  app.addHook("preClose", () => deploys.stopFollowing());
  return deploys;
}
