import { describeRunStore } from "../conformance/index.js";
import { openPostgresStore } from "./postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "./test-database.js";

describeRunStore("postgres", async () => {
  await requireTestDatabase();
  const schema = testSchemaName();
  const open = () => openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 4 });
  return {
    store: await open(),
    reopen: open,
    destroy: () => dropTestSchema(schema),
  };
});
