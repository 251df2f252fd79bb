/**
 * PostgreSQL migration 7: `runs.facets` (run-facets.ts), filled for the runs already stored from
 * their columns and their model and service rows, then GIN indexed. The column is NOT NULL, so a
 * writer that forgets it fails instead of hiding runs from filtered lists.
 */
import type { PostgresMigration } from "./migrations.js";
import { FACETS_OF_COLUMNS } from "./run-facets.js";

export const facetsMigration: PostgresMigration = {
  version: 7,
  name: "runs: filter values as one GIN-indexed array",
  sql: `
    ALTER TABLE runs ADD COLUMN facets text[];
    UPDATE runs r SET facets = ${FACETS_OF_COLUMNS} || COALESCE(x.models, '{}') || COALESCE(x.services, '{}')
      FROM (SELECT u.run_no, m.models, s.services FROM runs u
              LEFT JOIN (SELECT run_no, array_agg('m:' || model ORDER BY model) AS models
                           FROM run_models GROUP BY run_no) m ON m.run_no = u.run_no
              LEFT JOIN (SELECT run_no, array_agg('v:' || service ORDER BY service) AS services
                           FROM run_services GROUP BY run_no) s ON s.run_no = u.run_no) x
     WHERE x.run_no = r.run_no;
    ALTER TABLE runs ALTER COLUMN facets SET NOT NULL;
    CREATE INDEX runs_facets ON runs USING gin (facets);
  `,
};
