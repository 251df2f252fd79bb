import type { RunEventInput } from "@keystroke/core";
import { newEventId } from "@keystroke/core/ids";
import { describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "./fixtures.js";
import type { StoreUnderTest } from "./index.js";

const T0 = Date.parse("2026-11-03T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** A run that holds one trace: a span, a model call, a log and a message nobody else said. */
function provisional(at: number): RunEventInput[] {
  return [
    {
      eventId: "span-1",
      type: "span.recorded",
      time: iso(at),
      span: {
        traceId: "a".repeat(32),
        spanId: "b".repeat(16),
        name: "chat gpt-4o-mini",
        kind: "client",
        startTime: iso(at),
        endTime: iso(at + 900),
        status: { code: "ok" },
        attributes: {},
        events: [],
      },
    },
    {
      eventId: "model-1",
      type: "model.called",
      time: iso(at + 900),
      callId: "c1",
      provider: "openai",
      model: "gpt-4o-mini",
      usage: { inputTokens: 400, outputTokens: 20 },
      cost: 0.001,
    },
    { eventId: "log-1", type: "log.recorded", time: iso(at), log: { time: iso(at), level: "info", message: "hi" } },
    {
      eventId: "message-shared",
      type: "message.added",
      time: iso(at + 1),
      message: { id: "shared", role: "user", parts: [{ type: "text", text: "What is the capital of Peru?" }] },
    },
    {
      eventId: "message-only-here",
      type: "message.added",
      time: iso(at + 2),
      message: { id: "answer", role: "assistant", parts: [{ type: "text", text: "Lima, beside the Pacific." }] },
    },
  ];
}

export function describeAbsorb(get: () => StoreUnderTest): void {
  describe("run.absorbed and run.renamed", () => {
    it("moves another run's events into the run, folds them in and removes the other run", async () => {
      const { store } = get();
      const from = runEvents({ slug: "shop-assistant", project: "acme", at: T0, status: "running" });
      await store.append([from, moreEvents(from.runId, provisional(T0 + 5))]);
      const into = runEvents({ slug: "support", project: "acme", sessionId: "conv-1", at: T0 + 1, status: "running" });
      const shared: RunEventInput = {
        eventId: "message-shared",
        type: "message.added",
        time: iso(T0 + 6),
        message: { id: "shared", role: "user", parts: [{ type: "text", text: "What is the capital of Peru?" }] },
      };
      await store.append([into, moreEvents(into.runId, [shared])]);

      // Search finds the message where it is now, and afterwards where it went.
      expect((await store.listRuns({ search: "Pacific" })).runs.map((r) => r.runId)).toEqual([from.runId]);
      const absorb = moreEvents(into.runId, [
        { eventId: newEventId(), type: "run.absorbed", time: iso(T0 + 10), fromRunId: from.runId },
      ]);
      const [result] = await store.append([absorb]);
      expect(result?.absorbed?.map((run) => run.runId)).toEqual([from.runId]);

      expect(await store.getRun(from.runId)).toBeUndefined();
      expect(await store.readEvents(from.runId, 0)).toEqual([]);
      const list = await store.listRuns({ project: ["acme"] });
      expect(list.runs.map((run) => run.runId)).toEqual([into.runId]);
      expect((await store.listRuns({ model: ["openai/gpt-4o-mini"] })).runs.map((r) => r.runId)).toEqual([into.runId]);
      expect((await store.listRuns({ search: "Pacific" })).runs.map((r) => r.runId)).toEqual([into.runId]);

      const view = await store.getRun(into.runId, { messages: {}, spans: {}, logs: {} });
      expect(view?.run.tokens).toMatchObject({ input: 400, output: 20 });
      expect(view?.run.totalCost).toBeCloseTo(0.001, 10);
      expect(view?.run.models).toEqual(["openai/gpt-4o-mini"]);
      // The message both runs held is there once; the one only the other run held came along.
      expect(view?.messages?.items.map((m) => m.id)).toEqual(["shared", "answer"]);
      expect(view?.spans?.items.map((s) => s.spanId)).toEqual(["b".repeat(16)]);
      expect(view?.logs?.items.map((l) => l.message)).toEqual(["hi"]);
      const events = await store.readEvents(into.runId, 0);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === "run.created")).toHaveLength(1);

      // A re-sent absorption finds nothing left to move and adds nothing.
      const [again] = await store.append([absorb]);
      expect(again?.events).toEqual([]);
      expect(again?.absorbed).toBeUndefined();
    });

    it("absorbs a run written earlier in the same group", async () => {
      const { store } = get();
      const from = runEvents({ slug: "shop-assistant", project: "acme", at: T0, status: "running" });
      const into = runEvents({ slug: "support", project: "acme", sessionId: "conv-2", at: T0 + 1, status: "running" });
      from.events.push(...moreEvents(from.runId, provisional(T0 + 5)).events);
      into.events.push(
        ...moreEvents(into.runId, [
          { eventId: newEventId(), type: "run.absorbed", time: iso(T0 + 10), fromRunId: from.runId },
        ]).events,
      );
      // The second batch takes the first's run, whose rows the group may still hold.
      const outcomes = await store.appendEach([from, into]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      const absorbed = outcomes[1];
      expect(absorbed?.ok === true && absorbed.result.absorbed?.map((run) => run.runId)).toEqual([from.runId]);
      expect(await store.getRun(from.runId)).toBeUndefined();
      expect((await store.listRuns({ project: ["acme"] })).runs.map((run) => run.runId)).toEqual([into.runId]);
      expect((await store.listRuns({ search: "Pacific" })).runs.map((r) => r.runId)).toEqual([into.runId]);
      const view = await store.getRun(into.runId, { messages: {}, spans: {}, logs: {} });
      expect(view?.run.models).toEqual(["openai/gpt-4o-mini"]);
      expect(view?.messages?.items.map((m) => m.id)).toEqual(["shared", "answer"]);
      expect(view?.spans?.items.map((s) => s.spanId)).toEqual(["b".repeat(16)]);
      expect(view?.logs?.items.map((l) => l.message)).toEqual(["hi"]);
    });

    it("leaves a run of another project, and a run that does not exist, alone", async () => {
      const { store } = get();
      const other = runEvents({ project: "elsewhere", at: T0 });
      const into = runEvents({ project: "acme", at: T0 + 1 });
      await store.append([other, into]);
      const [result] = await store.append([
        moreEvents(into.runId, [
          { eventId: newEventId(), type: "run.absorbed", time: iso(T0 + 2), fromRunId: other.runId },
          { eventId: newEventId(), type: "run.absorbed", time: iso(T0 + 3), fromRunId: runEvents().runId },
        ]),
      ]);
      expect(result?.absorbed).toBeUndefined();
      expect((await store.getRun(other.runId))?.run.project).toBe("elsewhere");
    });

    it("renames a run: its name and agent slug, in History and in the agent's sessions", async () => {
      const { store } = get();
      const run = runEvents({ slug: "shop-assistant", name: "shop-assistant", sessionId: "conv-2", at: T0 });
      await store.append([run]);
      await store.append([
        moreEvents(run.runId, [
          { eventId: newEventId(), type: "run.renamed", time: iso(T0 + 1), slug: "trip-planner", name: "Trip planner" },
        ]),
      ]);
      expect((await store.getRun(run.runId))?.run).toMatchObject({ slug: "trip-planner", name: "Trip planner" });
      expect((await store.listRuns({ slug: ["trip-planner"] })).runs.map((r) => r.runId)).toEqual([run.runId]);
      expect((await store.listRuns({ slug: ["shop-assistant"] })).runs).toEqual([]);
      expect((await store.getSession({ slug: "trip-planner", sessionId: "conv-2" }))?.run.runId).toBe(run.runId);
    });
  });
}
