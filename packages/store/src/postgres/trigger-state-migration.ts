/**
 * PostgreSQL migration 3: the trigger engine's state, as SQLite keeps it (migrations 4 and 5
 * there). `trigger_deliveries.no` orders a trigger's history and lets the trim keep its newest
 * rows; `trigger_ticks` holds the scheduled ticks claimed recently, so that of the replicas due
 * at the same tick only the one whose insert lands first fires it. `trigger_ticks_age` makes the
 * pruning of old ticks an index range, whatever the number of triggers.
 */
import type { PostgresMigration } from "./migrations.js";

export const triggerStateMigration: PostgresMigration = {
  version: 3,
  name: "triggers: state, deliveries, seen signatures and claimed ticks",
  sql: `
    CREATE TABLE trigger_state (
      id text COLLATE "C" PRIMARY KEY,
      disabled boolean NOT NULL DEFAULT false,
      next_fire_at bigint,
      last_fire_at bigint,
      last_run_id text COLLATE "C",
      state json,
      last_error text,
      last_error_at bigint,
      failures integer NOT NULL DEFAULT 0
    );

    CREATE TABLE trigger_deliveries (
      no bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      trigger_id text COLLATE "C" NOT NULL,
      at bigint NOT NULL,
      outcome text NOT NULL,
      run_id text COLLATE "C",
      reason text
    );
    CREATE INDEX trigger_deliveries_trigger ON trigger_deliveries (trigger_id, no DESC);
    CREATE INDEX trigger_deliveries_run ON trigger_deliveries (run_id) WHERE run_id IS NOT NULL;

    CREATE TABLE trigger_signatures (
      signature text COLLATE "C" PRIMARY KEY,
      expires_at bigint NOT NULL
    );
    CREATE INDEX trigger_signatures_expiry ON trigger_signatures (expires_at);

    CREATE TABLE trigger_ticks (
      id text COLLATE "C" NOT NULL,
      tick bigint NOT NULL,
      PRIMARY KEY (id, tick)
    );
    CREATE INDEX trigger_ticks_age ON trigger_ticks (tick);
  `,
};
