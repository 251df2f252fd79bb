import { newEventId } from "@keystroke/core/ids";
import { afterEach, describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "../conformance/index.js";
import { openPostgresStore, type PostgresRunStore } from "./postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "./test-database.js";

let store: PostgresRunStore | undefined;
let schema = "";
afterEach(async () => {
  await store?.close();
  if (schema) await dropTestSchema(schema);
  store = undefined;
  schema = "";
});

describe("text PostgreSQL cannot store", () => {
  it("keeps NUL characters in bodies and refuses them in ids, that batch alone", async () => {
    await requireTestDatabase();
    schema = testSchemaName();
    store = await openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 2 });
    const good = runEvents({ messages: ["before\u0000after nul"] });
    await store.append([good]);
    const view = await store.getRun(good.runId, { messages: {} });
    expect(view?.messages?.items[0]?.parts).toEqual([{ type: "text", text: "before\u0000after nul" }]);
    expect((await store.listRuns({ search: "after" })).runs.map((r) => r.runId)).toEqual([good.runId]);

    const bad = moreEvents(good.runId, [
      {
        eventId: newEventId(),
        type: "message.added",
        time: new Date().toISOString(),
        message: { id: "m\u0000x", role: "user", parts: [] },
      },
    ]);
    const other = runEvents({ messages: ["still kept"] });
    const outcomes = await store.appendEach([bad, other]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect(outcomes[0]?.ok === false && outcomes[0].error.code).toBe("invalid_input");
    expect((await store.getRun(good.runId))?.run.messageCount).toBe(1);
  });
});
