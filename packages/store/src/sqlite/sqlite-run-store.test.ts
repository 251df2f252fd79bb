import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newEventId } from "@keystroke/core/ids";
import { describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "../conformance/fixtures.js";
import { describeRunStore } from "../conformance/index.js";
import { openSqliteStore } from "./sqlite-run-store.js";

describeRunStore("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-store-"));
  const path = join(dir, "keystroke.db");
  return {
    store: openSqliteStore(path),
    reopen: async () => openSqliteStore(path),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe("sqlite: a batch refused while its History row is written", () => {
  const at = (ms: number) => new Date(Date.parse("2026-11-30T08:00:00Z") + ms).toISOString();
  /** A batch SQLite refuses at the History row's update: a cost that is not a number becomes NULL. */
  const refusedAtUpdate = (runId: string) => {
    const batch = moreEvents(runId, [
      {
        eventId: newEventId(),
        type: "log.recorded",
        time: at(3),
        log: { time: at(3), level: "info", message: "lost" },
      },
      { eventId: newEventId(), type: "model.called", time: at(4), callId: "c1", provider: "p", model: "m", cost: 1 },
    ]);
    (batch.events[1] as { cost: number }).cost = Number.NaN;
    return batch;
  };

  it("leaves none of its rows, in its group or in a later append", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keystroke-store-"));
    const store = openSqliteStore(join(dir, "keystroke.db"));
    try {
      const x = runEvents({ at: 0 });
      const y = runEvents({ at: 1 });
      await store.append([x, y]);
      const logOfY = () =>
        moreEvents(y.runId, [
          {
            eventId: newEventId(),
            type: "log.recorded",
            time: at(5),
            log: { time: at(5), level: "info", message: "y" },
          },
        ]);
      const outcomes = await store.appendEach([refusedAtUpdate(x.runId), logOfY()]);
      expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
      expect((await store.appendEach([refusedAtUpdate(x.runId)])).map((o) => o.ok)).toEqual([false]);
      await store.append([logOfY()]);

      expect((await store.readEvents(x.runId, 0)).map((e) => e.type)).toEqual(x.events.map((e) => e.type));
      expect((await store.getRun(x.runId, { logs: {} }))?.logs?.items).toEqual([]);
      const [next] = await store.append([
        moreEvents(x.runId, [{ eventId: newEventId(), type: "service.used", time: at(6), service: "stripe" }]),
      ]);
      expect(next?.events.map((e) => e.seq)).toEqual([x.events.length + 1]);
      expect((await store.getRun(y.runId, { logs: {} }))?.logs?.items.map((l) => l.message)).toEqual(["y", "y"]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
