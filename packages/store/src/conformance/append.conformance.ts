import { type IngestBatch, OTLP_TRIGGER, parseIngestBatch, type RunEvent, storedBody } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "./fixtures.js";
import { expectKeystrokeError, type StoreUnderTest } from "./index.js";

const now = () => new Date().toISOString();

export function describeAppend(get: () => StoreUnderTest): void {
  describe("append", () => {
    it("folds a session into its History row", async () => {
      const { store } = get();
      const batch = runEvents({
        messages: ["Where is my refund?", "Let me check order 1042."],
        models: [
          { provider: "openai", model: "gpt-5", cost: 0.002, input: 1200, output: 300 },
          { provider: "anthropic", model: "claude-sonnet-4.6", cost: 0.004, input: 800, output: 100 },
        ],
        services: ["stripe", "stripe", "zendesk"],
        status: "failed",
      });
      const sent = structuredClone(batch.events);
      const [result] = await store.append([batch]);
      expect(result?.events.map((e) => e.seq)).toEqual(batch.events.map((_, i) => i + 1));
      expect(result?.duplicates).toBe(0);
      // The producer's events, given without their bodies, are its own still: stored as copies.
      expect(batch.events).toEqual(sent);
      const run = (await store.getRun(batch.runId))?.run;
      expect(run).toMatchObject({
        runId: batch.runId,
        kind: "agent",
        status: "failed",
        models: ["openai/gpt-5", "anthropic/claude-sonnet-4.6"],
        services: ["stripe", "zendesk"],
        tokens: { input: 2000, output: 400, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
        messageCount: 2,
        stepCount: 2,
        errorSummary: "ToolError: Order lookup failed",
        lastSeq: batch.events.length,
      });
      expect(run?.totalCost).toBeCloseTo(0.006, 10);
      expect(run?.durationMs).toBe(990);
      expect(run?.error?.message).toContain("at lookup()");
    });

    it("keeps the bodies a producer serialized already, and reads them back as the events", async () => {
      const { store } = get();
      const batch = runEvents({ messages: ["Where is my refund?", "Let me check."], status: "success" });
      // The same events with their keys in another order than the store's own serializing: read
      // back in that order, they show the store kept the bodies it was given.
      const bodies = batch.events.map(({ type, ...rest }) => storedBody({ type, ...rest } as RunEvent));
      expect(bodies[0]).not.toBe(storedBody(batch.events[0] as RunEvent));
      const [result] = await store.append([{ ...batch, bodies }]);
      expect(result?.events.map((e) => e.seq)).toEqual(batch.events.map((_, i) => i + 1));
      const read = await store.readEvents(batch.runId, 0);
      expect(read.map(({ runId: _r, seq: _s, ...event }) => JSON.stringify(event))).toEqual(bodies);
      expect((await store.getRun(batch.runId, { messages: {} }))?.messages?.items.map((m) => m.parts)).toEqual([
        [{ type: "text", text: "Where is my refund?" }],
        [{ type: "text", text: "Let me check." }],
      ]);
      // A retry with bodies is dropped like any other.
      const [retry] = await store.append([{ ...batch, bodies }]);
      expect(retry?.duplicates).toBe(batch.events.length);
    });

    it("drops a retried batch and keeps sequence numbers gap-free", async () => {
      const { store } = get();
      const batch = runEvents({ messages: ["hello"], status: "running" });
      await store.append([batch]);
      const [retry] = await store.append([batch]);
      expect(retry?.events).toEqual([]);
      expect(retry?.duplicates).toBe(batch.events.length);
      const followUp = moreEvents(batch.runId, [
        {
          eventId: newEventId(),
          type: "message.added",
          time: now(),
          message: { id: "m2", role: "assistant", parts: [{ type: "text", text: "hi" }] },
        },
        { eventId: newEventId(), type: "run.finished", time: now(), status: "success" },
      ]);
      const mixed = { runId: batch.runId, events: [...batch.events.slice(0, 2), ...followUp.events] };
      const [result] = await store.append([mixed]);
      expect(result?.duplicates).toBe(2);
      expect(result?.events.map((e) => e.seq)).toEqual([batch.events.length + 1, batch.events.length + 2]);
      const events = await store.readEvents(batch.runId, 0);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      expect((await store.getRun(batch.runId))?.run.messageCount).toBe(2);
    });

    it("stores an event id repeated inside one batch once", async () => {
      const { store } = get();
      const batch = runEvents({ messages: ["once"] });
      const repeated = { runId: batch.runId, events: [...batch.events, ...batch.events.slice(1)] };
      const [result] = await store.append([repeated]);
      expect(result?.events).toHaveLength(batch.events.length);
      expect(result?.duplicates).toBe(batch.events.length - 1);
      expect((await store.readEvents(batch.runId, 0)).map((e) => e.seq)).toEqual(batch.events.map((_, i) => i + 1));
    });

    it("reads events after a sequence number, in order, with their run id", async () => {
      const { store } = get();
      const batch = runEvents({ messages: ["a", "b", "c"] });
      await store.append([batch]);
      const events = await store.readEvents(batch.runId, 3, 2);
      expect(events.map((e) => [e.seq, e.type, e.runId])).toEqual([
        [4, "message.added", batch.runId],
        [5, "message.added", batch.runId],
      ]);
      expect(await store.readEvents(newRunId(), 0)).toEqual([]);
    });

    it("rejects a run whose first event is not run.created, and writes nothing", async () => {
      const { store } = get();
      const runId = newRunId();
      const batch = moreEvents(runId, [{ eventId: newEventId(), type: "run.started", time: now() }]);
      const error = await expectKeystrokeError(store.append([batch]), "invalid_input", "events[0]");
      expect(error.message).toContain("run.created");
      expect(await store.getRun(runId)).toBeUndefined();
    });

    it("writes all batches of one append or none", async () => {
      const { store } = get();
      const good = runEvents({ messages: ["kept?"] });
      const bad = moreEvents(newRunId(), [{ eventId: newEventId(), type: "run.started", time: now() }]);
      await expectKeystrokeError(store.append([good, bad]), "invalid_input");
      expect(await store.getRun(good.runId)).toBeUndefined();
      expect((await store.listRuns({})).runs).toEqual([]);
    });

    it("group-commits independent batches, refusing only the bad one", async () => {
      const { store } = get();
      const first = runEvents({ messages: ["kept one"] });
      const bad = moreEvents(newRunId(), [{ eventId: newEventId(), type: "run.started", time: now() }]);
      const second = runEvents({ messages: ["kept two"] });
      const followUp = moreEvents(first.runId, [
        { eventId: newEventId(), type: "service.used", time: now(), service: "stripe" },
      ]);
      const outcomes = await store.appendEach([first, bad, second, followUp, first]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true, true]);
      const refused = outcomes[1];
      expect(refused?.ok === false && refused.error.code).toBe("invalid_input");
      expect(outcomes[4]?.ok === true && outcomes[4].result.duplicates).toBe(first.events.length);
      expect(await store.getRun(bad.runId)).toBeUndefined();
      expect((await store.getRun(first.runId))?.run.services).toEqual(["stripe"]);
      expect((await store.listRuns({ search: "kept" })).runs.map((r) => r.runId)).toEqual([second.runId, first.runId]);
    });

    it("writes a group's new runs and their follow-ups as it would one batch at a time", async () => {
      const { store } = get();
      const at = Date.parse("2026-11-30T08:00:00Z");
      const first = runEvents({
        messages: ["where is my parcel"],
        models: [{ provider: "openai", model: "gpt-4o" }],
        at,
      });
      const second = runEvents({ messages: ["refund please"], at: at + 1 });
      const followUp = moreEvents(first.runId, [
        first.events[2] as RunEvent,
        {
          eventId: newEventId(),
          type: "message.part_added",
          time: now(),
          messageId: "msg_0",
          part: { type: "text", text: "tracking 4711" },
        },
        { eventId: newEventId(), type: "service.used", time: now(), service: "carrier" },
      ]);
      const third = runEvents({ messages: ["cancel my order"], services: ["shop"], at: at + 2 });
      const outcomes = await store.appendEach([first, second, followUp, third]);
      expect(outcomes.map((o) => o.ok && o.result.events.length)).toEqual([
        first.events.length,
        second.events.length,
        2,
        third.events.length,
      ]);
      expect(outcomes[2]?.ok === true && outcomes[2].result.duplicates).toBe(1);

      const view = await store.getRun(first.runId, { messages: {} });
      expect(view?.messages?.items.map((m) => m.parts.map((p) => (p.type === "text" ? p.text : p.type)))).toEqual([
        ["where is my parcel", "tracking 4711"],
      ]);
      expect(view?.run).toMatchObject({ models: ["openai/gpt-4o"], services: ["carrier"], messageCount: 1 });
      expect((await store.listRuns({ search: "4711" })).runs.map((r) => r.runId)).toEqual([first.runId]);
      expect((await store.listRuns({ model: ["openai/gpt-4o"] })).runs.map((r) => r.runId)).toEqual([first.runId]);
      expect((await store.listRuns({ service: ["shop"] })).runs.map((r) => r.runId)).toEqual([third.runId]);
      // Each run has its own row: a run appended afterwards too.
      const later = runEvents({ messages: ["one more"], at: at + 3 });
      await store.append([later]);
      expect((await store.listRuns({})).runs.map((r) => r.runId)).toEqual([
        later.runId,
        third.runId,
        second.runId,
        first.runId,
      ]);
      for (const batch of [second, third, later]) {
        expect((await store.getRun(batch.runId, { messages: {} }))?.messages?.items).toHaveLength(1);
      }
    });

    it("leaves an existing run untouched when a later batch is rejected", async () => {
      const { store } = get();
      const batch = runEvents({ messages: ["first"], status: "running" });
      await store.append([batch]);
      const before = await store.getRun(batch.runId, { messages: {} });
      const bad = moreEvents(batch.runId, [
        {
          eventId: newEventId(),
          type: "message.added",
          time: now(),
          message: { id: "x", role: "user", parts: [{ type: "text", text: "lost" }] },
        },
        {
          eventId: newEventId(),
          type: "message.part_added",
          time: now(),
          messageId: "nope",
          part: { type: "text", text: "?" },
        },
      ]);
      const error = await expectKeystrokeError(store.append([bad]), "invalid_input", "events[1].messageId");
      expect(error.hint).toBeTruthy();
      expect(await store.getRun(batch.runId, { messages: {} })).toEqual(before);
      expect((await store.listRuns({ search: "lost" })).runs).toEqual([]);
    });

    it("refuses a second run.created for the same run", async () => {
      const { store } = get();
      const batch = runEvents();
      await store.append([batch]);
      const again = runEvents({ runId: batch.runId });
      await expectKeystrokeError(store.append([again]), "conflict", "already exists");
    });

    it("refuses a message id used twice in one run", async () => {
      const { store } = get();
      const batch = runEvents({ messages: ["one"] });
      await store.append([batch]);
      const dup = moreEvents(batch.runId, [
        {
          eventId: newEventId(),
          type: "message.added",
          time: now(),
          message: { id: "msg_0", role: "user", parts: [] },
        },
      ]);
      await expectKeystrokeError(store.append([dup]), "conflict", "msg_0");
    });

    it("refuses a message id used twice in a new run's first batch, that batch alone", async () => {
      const { store } = get();
      const batch = runEvents({ messages: ["one"] });
      batch.events.push({
        eventId: newEventId(),
        type: "message.added",
        time: now(),
        message: { id: "msg_0", role: "user", parts: [{ type: "text", text: "again" }] },
      });
      const other = runEvents({ messages: ["kept"] });
      const outcomes = await store.appendEach([batch, other]);
      expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
      const refused = outcomes[0];
      expect(refused?.ok === false && refused.error.code).toBe("conflict");
      expect(refused?.ok === false && refused.error.message).toContain("msg_0");
      expect(await store.getRun(batch.runId)).toBeUndefined();
      expect((await store.getRun(other.runId, { messages: {} }))?.messages?.items).toHaveLength(1);
    });

    it("reopens a finished session on a follow-up prompt", async () => {
      const { store } = get();
      const batch = runEvents({ sessionId: "ses_follow", messages: ["hi", "hello"], status: "failed" });
      await store.append([batch]);
      const first = (await store.getRun(batch.runId))?.run;
      await store.append([
        moreEvents(batch.runId, [
          { eventId: newEventId(), type: "run.status_changed", time: now(), status: "running" },
          {
            eventId: newEventId(),
            type: "message.added",
            time: now(),
            message: { id: "m3", role: "user", parts: [{ type: "text", text: "again" }] },
          },
        ]),
      ]);
      const run = (await store.getRun(batch.runId))?.run;
      expect(run).toMatchObject({
        status: "running",
        finishedAt: null,
        durationMs: null,
        errorSummary: null,
        messageCount: 3,
      });
      expect(run?.startedAt).toBe(first?.startedAt);
      expect((await store.listRuns({ status: ["failed"] })).runs).toEqual([]);
      expect((await store.listRuns({ status: ["running"] })).runs.map((r) => r.runId)).toEqual([batch.runId]);
    });

    it("ends a session with its latest turn when an earlier turn comes late, over several batches", async () => {
      // An OpenTelemetry session: an exporter retried turn 1 after it sent turns 2 and 3; turn 1
      // comes in two requests.
      const { store } = get();
      const at = Date.parse("2026-11-30T09:00:00.000Z");
      const time = (seconds: number) => new Date(at + seconds * 1000).toISOString();
      const turn = (n: number, start: number, end: number, status: "success" | "failed") => [
        { eventId: `t${n}`, type: "run.started" as const, time: time(start) },
        {
          eventId: `q${n}`,
          type: "message.added" as const,
          time: time(start),
          message: { id: `q${n}`, role: "user" as const, parts: [{ type: "text" as const, text: `Question ${n}` }] },
        },
        {
          eventId: `f${n}`,
          type: "run.finished" as const,
          time: time(end),
          status,
          output: `Answer ${n}`,
          ...(status === "failed" ? { error: { name: "ToolError", message: "Lookup failed" } } : {}),
        },
      ];
      const [created] = runEvents({ sessionId: "ses_late", at: at + 60_000, trigger: OTLP_TRIGGER }).events;
      const runId = newRunId(at);
      const first = turn(1, 0, 10, "failed");
      const batches = [
        [{ ...created, runId: undefined }, ...turn(2, 60, 70, "success")],
        turn(3, 120, 130, "success"),
        first.slice(0, 2),
        first.slice(2),
      ].map((events) => parseIngestBatch({ runId, events }));
      const read = async () => (await store.getRun(runId))?.run;
      for (const batch of batches.slice(0, 3)) await store.append([batch]);
      // While the late turn runs, so does the session; what the store keeps to end it is not shown.
      const running = await read();
      expect(running).toMatchObject({ status: "running", startedAt: time(0), finishedAt: null, durationMs: null });
      expect(running).not.toHaveProperty("lateTurns");
      expect(running).not.toHaveProperty("endTurn");
      expect((await store.listRuns({ status: ["running"] })).runs.map((r) => r.runId)).toEqual([runId]);
      await store.append([batches[3] as IngestBatch]);
      const ended = await read();
      expect(ended).toMatchObject({
        status: "success",
        startedAt: time(0),
        finishedAt: time(130),
        durationMs: 130_000,
        output: "Answer 3",
        error: null,
        errorSummary: null,
        messageCount: 3,
      });
      expect(ended).not.toHaveProperty("lateTurns");
      expect(ended).not.toHaveProperty("endTurn");
      expect((await store.listRuns({ status: ["success"] })).runs.map((r) => r.runId)).toEqual([runId]);
    });

    it("links a subagent run and its parent both ways", async () => {
      const { store } = get();
      const parent = runEvents({ status: "running" });
      await store.append([parent]);
      const child = runEvents({
        parentRunId: parent.runId,
        source: "agent",
        slug: "research",
        trigger: "Subagent call",
      });
      await store.append([
        child,
        moreEvents(parent.runId, [
          {
            eventId: newEventId(),
            type: "run.child_added",
            time: now(),
            childRunId: child.runId,
            toolCallId: "call_sub",
          },
        ]),
      ]);
      const parentRun = (await store.getRun(parent.runId))?.run;
      const childRun = (await store.getRun(child.runId))?.run;
      expect(parentRun?.childRunIds).toEqual([child.runId]);
      expect(childRun).toMatchObject({ parentRunId: parent.runId, parentToolCallId: "call_sub", source: "agent" });
      expect((await store.listRuns({ parentRunId: parent.runId })).runs.map((r) => r.runId)).toEqual([child.runId]);
    });

    it("records workflow steps with input, output and error", async () => {
      const { store } = get();
      const runId = newRunId();
      await store.append([
        parseIngestBatch({
          runId,
          events: [
            {
              eventId: newEventId(),
              type: "run.created",
              time: now(),
              kind: "workflow",
              slug: "onboarding",
              name: "Onboarding",
              project: "acme",
              source: "api",
              trigger: { label: "API" },
              actor: { type: "api_key", id: "key_1" },
              input: { email: "a@b.c" },
            },
            {
              eventId: newEventId(),
              type: "step.started",
              time: now(),
              stepId: "s1",
              name: "Send email",
              input: { to: "a@b.c" },
            },
            {
              eventId: newEventId(),
              type: "step.finished",
              time: now(),
              stepId: "s1",
              status: "failed",
              error: { message: "SMTP down" },
            },
            {
              eventId: newEventId(),
              type: "run.finished",
              time: now(),
              status: "failed",
              error: { message: "SMTP down" },
              output: null,
            },
          ],
        }),
      ]);
      const view = await store.getRun(runId, { steps: {} });
      expect(view?.run).toMatchObject({ kind: "workflow", input: { email: "a@b.c" }, stepCount: 1, status: "failed" });
      expect(view?.steps?.items).toMatchObject([
        { stepId: "s1", name: "Send email", status: "failed", input: { to: "a@b.c" }, error: { message: "SMTP down" } },
      ]);
      const orphan = moreEvents(runId, [
        { eventId: newEventId(), type: "step.finished", time: now(), stepId: "s9", status: "success" },
      ]);
      await expectKeystrokeError(store.append([orphan]), "invalid_input", "events[0].stepId");
    });
  });
}
