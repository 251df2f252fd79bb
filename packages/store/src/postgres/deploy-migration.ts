/**
 * PostgreSQL migration 5: the deploys of a team server, as SQLite keeps them (migration 7 there).
 * `no` orders deploys made in the same millisecond; a live deploy keeps its files (`json` text)
 * so any replica can load it at start.
 */
import type { PostgresMigration } from "./migrations.js";

export const deployMigration: PostgresMigration = {
  version: 5,
  name: "deploys",
  sql: `
    CREATE TABLE deploys (
      no bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      deploy_id text COLLATE "C" NOT NULL UNIQUE,
      organization text COLLATE "C" NOT NULL,
      project text COLLATE "C" NOT NULL,
      hash text NOT NULL,
      author_id text NOT NULL,
      author_email text NOT NULL,
      created_at bigint NOT NULL,
      status text NOT NULL,
      filter text,
      agents text NOT NULL,
      workflows text NOT NULL,
      error text,
      files text
    );
    CREATE INDEX deploys_project ON deploys (organization, project, no DESC);
    CREATE INDEX deploys_live ON deploys (status, no DESC);
  `,
};
