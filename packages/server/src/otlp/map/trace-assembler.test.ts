import type { IngestBatch, RunEvent } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import type { OtlpLogRecord, OtlpSpan } from "../otlp-model.js";
import { otlpLogOf } from "./log-events.js";
import { storedOccurrence } from "./message-occurrences.js";
import { otlpSpanOf } from "./span-events.js";
import { TraceAssembler } from "./trace-assembler.js";

const T0 = Date.parse("2026-11-28T10:00:00.000Z");
const TRACE = "5b8aa5a2d2c872e8321cf37308d69df2";

function span(n: number, overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: n.toString(16).padStart(16, "0"),
    parentSpanId: "00000000000000ff",
    parentIsRemote: false,
    name: `span ${n}`,
    kind: 1,
    startMs: T0 + n,
    endMs: T0 + n + 1,
    attributes: {},
    events: [],
    statusCode: 0,
    statusMessage: "",
    resource: { "service.name": "shop" },
    ...overrides,
  };
}

const chat = (n: number, text: string) =>
  span(n, {
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: text }] }]),
    },
  });
const root = () =>
  span(255, {
    parentSpanId: undefined,
    startMs: T0,
    endMs: T0 + 1000,
    attributes: { "gen_ai.operation.name": "invoke_agent" },
  });

const types = (events: RunEvent[]) => events.map((e) => e.type);

/** A GenAI log event of `traceId`, from span `spanId`, with `attributes` beside its name. */
function genAiLog(
  traceId: string,
  name: string,
  body: unknown,
  {
    spanId = "1".repeat(16),
    attributes = {},
    timeMs = T0,
  }: { spanId?: string; attributes?: Record<string, string>; timeMs?: number } = {},
): OtlpLogRecord {
  return {
    timeMs,
    severityNumber: 9,
    severityText: "",
    body: body as OtlpLogRecord["body"],
    attributes: { "event.name": name, ...attributes },
    traceId,
    spanId,
    eventName: "",
    resource: {},
  };
}

describe("TraceAssembler", () => {
  it("writes the trace and model calls at once, and the conversation when the root span arrives", () => {
    const assembler = new TraceAssembler();
    const first = assembler.assemble(undefined, [chat(2, "second"), chat(1, "first")], []);
    // Each span is one event, carrying its model call.
    expect(types(first.batches[0]?.events ?? [])).toEqual(["run.created", "span.recorded", "span.recorded"]);
    expect(first.batches[0]?.events.map((e) => (e.type === "span.recorded" ? e.model?.model : undefined))).toEqual([
      undefined,
      "gpt-4o",
      "gpt-4o",
    ]);
    const second = assembler.assemble(undefined, [root()], []);
    const messages = (second.batches[0]?.events ?? []).filter((e) => e.type === "message.added");
    expect(messages.map((e) => (e.type === "message.added" ? e.message.parts[0] : undefined))).toEqual([
      { type: "text", text: "first" },
      { type: "text", text: "second" },
    ]);
    expect(types(second.batches[0]?.events ?? []).at(-1)).toBe("run.finished");
    expect(second.batches[0]?.runId).toBe(first.batches[0]?.runId);
  });

  it("writes a conversation whose root never comes once it has been quiet for staleAfterMs", () => {
    const assembler = new TraceAssembler({ staleAfterMs: 1000 });
    assembler.assemble(undefined, [chat(1, "alone")], [], T0);
    expect(assembler.drain(false, T0 + 500)).toEqual([]);
    const later = assembler.assemble(undefined, [], [], T0 + 5000);
    expect(later.batches).toHaveLength(1);
    expect(types(later.batches[0]?.events ?? [])).toEqual(["run.created", "message.added"]);
    assembler.assemble(undefined, [chat(3, "waiting")], [], T0 + 6000);
    expect(assembler.drain(true, T0 + 6001)).toHaveLength(1);
  });

  it("holds spans of a trace with nothing AI about it until an AI span of the trace arrives", () => {
    const assembler = new TraceAssembler();
    const http = span(9, { name: "GET /orders", attributes: { "http.request.method": "GET" } });
    expect(assembler.assemble(undefined, [http], []).batches).toEqual([]);
    const events = assembler.assemble(undefined, [chat(1, "hi")], []).batches[0]?.events ?? [];
    const names = events.flatMap((e) => (e.type === "span.recorded" ? [e.span.name] : []));
    expect(names).toEqual(["span 1", "GET /orders"]);
  });

  it("lets go of spans waiting for an AI span past maxHeld, even when one trace holds them all", () => {
    const assembler = new TraceAssembler({ maxHeld: 2 });
    const http = [7, 8, 9].map((n) => span(n, { name: `GET /${n}`, attributes: { "http.request.method": "GET" } }));
    expect(assembler.assemble(undefined, http, []).batches).toEqual([]);
    const events = assembler.assemble(undefined, [chat(1, "hi")], []).batches[0]?.events ?? [];
    expect(events.flatMap((e) => (e.type === "span.recorded" ? [e.span.name] : []))).toEqual(["span 1"]);
  });

  it("lets go of spans waiting for an AI span once quiet for staleAfterMs", () => {
    const assembler = new TraceAssembler({ staleAfterMs: 1000 });
    const http = span(9, { name: "GET /orders", attributes: { "http.request.method": "GET" } });
    assembler.assemble(undefined, [http], [], T0);
    assembler.drain(false, T0 + 2000);
    const events = assembler.assemble(undefined, [chat(1, "hi")], [], T0 + 2001).batches[0]?.events ?? [];
    expect(events.flatMap((e) => (e.type === "span.recorded" ? [e.span.name] : []))).toEqual(["span 1"]);
  });

  it("puts traces with the same conversation id in one run, per project", () => {
    const assembler = new TraceAssembler();
    const withConversation = (traceId: string) =>
      chat(1, "x").attributes["gen_ai.conversation.id"] === undefined
        ? { ...chat(1, "x"), traceId, attributes: { ...chat(1, "x").attributes, "gen_ai.conversation.id": "c-9" } }
        : chat(1, "x");
    const a = assembler.assemble("shop", [withConversation("1".repeat(32))], []).batches[0];
    const b = assembler.assemble("shop", [withConversation("2".repeat(32))], []).batches[0];
    const c = assembler.assemble("other", [withConversation("2".repeat(32))], []).batches[0];
    expect(a?.runId).toBe(b?.runId);
    expect(c?.runId).not.toBe(a?.runId);
    expect(a?.events[0]).toMatchObject({ type: "run.created", project: "shop", sessionId: "c-9", slug: "shop" });
  });

  it("moves a trace to its conversation's run when the conversation id arrives with the root, absorbing its first run", () => {
    const assembler = new TraceAssembler();
    const tokens = { ...chat(1, "hi"), attributes: { ...chat(1, "hi").attributes, "gen_ai.usage.input_tokens": 42 } };
    const first = assembler.assemble(undefined, [tokens], []);
    const conversationRoot = {
      ...root(),
      attributes: { ...root().attributes, "gen_ai.conversation.id": "c-late", "gen_ai.agent.name": "Trip planner" },
    };
    const second = assembler.assemble(undefined, [conversationRoot], []);
    const provisional = first.batches[0]?.runId;
    const conversation = second.batches[0];
    expect(conversation?.runId).not.toBe(provisional);
    expect(conversation?.events.find((e) => e.type === "run.created")).toMatchObject({ name: "Trip planner" });
    expect(conversation?.events.filter((e) => e.type === "run.absorbed")).toMatchObject([{ fromRunId: provisional }]);
    expect(first.batches[0]?.events.filter((e) => e.type === "span.recorded")).toMatchObject([
      { model: { usage: { inputTokens: 42 } } },
    ]);
    expect(conversation?.events.filter((e) => e.type === "run.finished")).toMatchObject([{ status: "success" }]);
    // The conversation the trace held back is written to the conversation's run.
    expect(conversation?.events.some((e) => e.type === "message.added")).toBe(true);
    // Later spans of the trace go straight to the conversation's run.
    expect(assembler.assemble(undefined, [chat(3, "late")], []).batches[0]?.runId).toBe(conversation?.runId);
  });

  it("takes the move back when the store could not write it, so the retry moves the trace again", () => {
    const assembler = new TraceAssembler();
    const provisional = assembler.assemble(undefined, [chat(1, "hi")], []).batches[0]?.runId;
    const conversationRoot = { ...root(), attributes: { ...root().attributes, "gen_ai.conversation.id": "c-retry" } };
    const failed = assembler.assemble(undefined, [conversationRoot], []).batches[0];
    assembler.giveBack(failed as IngestBatch);
    const retry = assembler.assemble(undefined, [conversationRoot], []).batches[0];
    expect(retry?.events.filter((e) => e.type === "run.absorbed")).toMatchObject([{ fromRunId: provisional }]);
  });

  describe("a trace filed under a run of its own that the assembler does not remember", () => {
    const conversationRoot = () => ({
      ...root(),
      attributes: { ...root().attributes, "gen_ai.conversation.id": "c-restart" },
    });
    const absorbed = (batch: IngestBatch | undefined) =>
      batch?.events.filter((e) => e.type === "run.absorbed").map((e) => e.type === "run.absorbed" && e.fromRunId);

    it("moves its run into the conversation's run when told the run may be waiting (a restart)", () => {
      const before = new TraceAssembler().assemble(undefined, [chat(1, "hi")], []).batches[0]?.runId as string;
      const restarted = new TraceAssembler({ waitingRuns: ["run_0OTHER", before] });
      const conversation = restarted.assemble(undefined, [conversationRoot()], []).batches[0];
      expect(conversation?.runId).not.toBe(before);
      expect(absorbed(conversation)).toEqual([before]);
      // Once: later spans of the trace go to the conversation's run, with nothing more to move.
      const later = restarted.assemble(undefined, [chat(3, "late")], []).batches[0];
      expect(later?.runId).toBe(conversation?.runId);
      expect(absorbed(later)).toEqual([]);
    });

    it("moves nothing when its run is not among those that may be waiting", () => {
      const fresh = new TraceAssembler({ waitingRuns: ["run_0OTHER"] });
      const conversation = fresh.assemble(undefined, [chat(1, "hi"), conversationRoot()], []).batches[0];
      expect(absorbed(conversation)).toEqual([]);
    });

    it("moves the run of a trace it forgot to make room, when the trace brings its conversation id", () => {
      const assembler = new TraceAssembler({ maxKnownTraces: 2 });
      const provisional = assembler.assemble(undefined, [chat(1, "hi")], []).batches[0]?.runId;
      for (const d of ["b", "c"]) assembler.assemble(undefined, [{ ...chat(1, "x"), traceId: d.repeat(32) }], []);
      const conversation = assembler.assemble(undefined, [conversationRoot()], []).batches[0];
      expect(absorbed(conversation)).toEqual([provisional]);
    });

    it("does not note a forgotten trace that was complete", () => {
      const assembler = new TraceAssembler({ maxKnownTraces: 1 });
      // Complete without a conversation id: it stays a run of its own.
      const own = assembler.assemble(undefined, [chat(1, "hi"), root()], []).batches[0]?.runId;
      assembler.assemble(undefined, [{ ...chat(1, "x"), traceId: "b".repeat(32) }], []);
      const conversation = assembler.assemble(undefined, [{ ...conversationRoot(), spanId: "00000000000000fe" }], []);
      expect(conversation.batches[0]?.runId).not.toBe(own);
      expect(absorbed(conversation.batches[0])).toEqual([]);
    });

    it("writes what it held of a forgotten trace to the conversation's run its run moved into", () => {
      const assembler = new TraceAssembler({ maxKnownTraces: 2 });
      const provisional = assembler.assemble(undefined, [chat(1, "hi")], []).batches[0]?.runId;
      for (const d of ["b", "c"]) assembler.assemble(undefined, [{ ...chat(1, "x"), traceId: d.repeat(32) }], []);
      // The conversation id comes on another model call, not the root: the trace still waits for it.
      const withConversation = {
        ...chat(2, "there"),
        attributes: { ...chat(2, "there").attributes, "gen_ai.conversation.id": "c-restart" },
      };
      const moved = assembler.assemble(undefined, [withConversation], []).batches[0];
      expect(absorbed(moved)).toEqual([provisional]);
      // Held, it is written to the conversation's run, not to the run that moved (which would come back).
      const drained = assembler.drain(true);
      expect(drained.map((batch) => batch.runId)).not.toContain(provisional);
      const said = drained
        .filter((batch) => batch.runId === moved?.runId)
        .flatMap((batch) => batch.events)
        .flatMap((e) =>
          e.type === "message.added" ? e.message.parts.map((p) => (p.type === "text" ? p.text : "")) : [],
        );
      expect(said).toEqual(["hi", "there"]);
    });

    it("adds the later spans of a forgotten trace to its run, though nothing AI is about them", () => {
      const before = new TraceAssembler().assemble(undefined, [chat(1, "hi")], []).batches[0]?.runId as string;
      const restarted = new TraceAssembler({ waitingRuns: [before] });
      const httpRoot = span(255, {
        parentSpanId: undefined,
        name: "POST /chat",
        kind: 2,
        startMs: T0,
        endMs: T0 + 900,
      });
      const batch = restarted.assemble(undefined, [httpRoot], []).batches[0];
      expect(batch?.runId).toBe(before);
      expect(types(batch?.events ?? [])).toEqual(["run.created", "span.recorded", "run.finished"]);
    });

    it("holds again, from the spans the store kept, the conversation of a turn whose root had not come", () => {
      const withConversation = (s: OtlpSpan) => ({
        ...s,
        attributes: { ...s.attributes, "gen_ai.conversation.id": "c-crash" },
      });
      const before = new TraceAssembler();
      const first = before.assemble(
        undefined,
        [withConversation(chat(1, "first")), withConversation(chat(2, "second"))],
        [],
      );
      const stored = first.batches[0]?.events.flatMap((e) => (e.type === "span.recorded" ? [otlpSpanOf(e.span)] : []));
      expect(stored).toHaveLength(2);
      // The process dies; the next one reads the spans back before its first request.
      const after = new TraceAssembler();
      const run = {
        runId: first.batches[0]?.runId as string,
        sessionId: "c-crash",
        project: "default",
        conversation: true,
      };
      after.restore(run, stored ?? []);
      const rooted = after.assemble(undefined, [withConversation(root())], []).batches[0];
      expect(rooted?.runId).toBe(first.batches[0]?.runId);
      const said = rooted?.events.flatMap((e) =>
        e.type === "message.added" ? e.message.parts.map((p) => (p.type === "text" ? p.text : "")) : [],
      );
      expect(said).toEqual(["first", "second"]);
    });

    it("files the log records of a turn that ended before it started under the conversation's run it is told of", () => {
      const conversationRoot = {
        ...root(),
        attributes: { ...root().attributes, "gen_ai.conversation.id": "c-ended" },
      };
      const before = new TraceAssembler();
      const turn = before.assemble(undefined, [chat(1, ""), conversationRoot], []).batches[0];
      const run = { runId: turn?.runId as string, sessionId: "c-ended", project: "default", conversation: true };
      // The turn's records come to the next process (the app's logger exports after its tracer).
      const records = () => [
        genAiLog(TRACE, "gen_ai.user.message", { content: "Late question?" }, { spanId: chat(1, "").spanId }),
        genAiLog(TRACE, "gen_ai.choice", { message: { content: "Late answer." } }, { spanId: chat(1, "").spanId }),
      ];
      const told = new TraceAssembler();
      told.rememberEnded(run, [TRACE]);
      const batches = told.assemble(undefined, [], records()).batches;
      expect(batches.map((b) => b.runId)).toEqual([run.runId]);
      expect(
        batches[0]?.events.flatMap((e) =>
          e.type === "message.added" ? e.message.parts.map((p) => (p.type === "text" ? p.text : "")) : [],
        ),
      ).toEqual(["Late question?", "Late answer."]);
      // Untold, they wait for a root that came before, then are filed under a run of their own.
      const untold = new TraceAssembler();
      const held = untold.assemble(undefined, [], records(), T0).batches;
      const drained = untold.drain(true, T0 + 60_000);
      expect([...held, ...drained].map((b) => b.runId)).not.toContain(run.runId);
    });

    it("holds again a trace in the run it was read from, though no span read back names its conversation", () => {
      const before = new TraceAssembler();
      const named = {
        ...chat(1, "first"),
        attributes: { ...chat(1, "first").attributes, "gen_ai.conversation.id": "c-far" },
      };
      const first = before.assemble(undefined, [named, chat(2, "second")], []).batches[0];
      // Only the later model call is read back (the first is further back than the store is read).
      const stored = first?.events.flatMap((e) =>
        e.type === "span.recorded" && e.span.spanId === chat(2, "").spanId ? [otlpSpanOf(e.span)] : [],
      );
      const after = new TraceAssembler();
      const run = { runId: first?.runId as string, sessionId: "c-far", project: "default", conversation: true };
      after.restore(run, stored ?? []);
      const rooted = after.assemble(undefined, [root()], []).batches[0];
      expect(rooted?.runId).toBe(first?.runId);
      expect(rooted?.events.filter((e) => e.type === "message.added")).toMatchObject([
        { message: { parts: [{ type: "text", text: "second" }] } },
      ]);
      // Nothing is renamed: the run's name is as the store has it.
      expect(rooted?.events.some((e) => e.type === "run.renamed")).toBe(false);
    });

    it("holds again the conversation of a run of its own and moves both when the conversation id comes", () => {
      const before = new TraceAssembler();
      const first = before.assemble(undefined, [chat(1, "hi")], []).batches[0];
      const stored = first?.events.flatMap((e) => (e.type === "span.recorded" ? [otlpSpanOf(e.span)] : []));
      const runId = first?.runId as string;
      const after = new TraceAssembler({ waitingRuns: [runId] });
      after.restore({ runId, sessionId: TRACE, project: "default", conversation: false }, stored ?? []);
      const moved = after.assemble(undefined, [conversationRoot()], []).batches[0];
      expect(absorbed(moved)).toEqual([first?.runId]);
      expect(moved?.events.filter((e) => e.type === "message.added")).toMatchObject([
        { message: { role: "assistant", parts: [{ type: "text", text: "hi" }] } },
      ]);
    });

    it.each([
      ["only the root names the conversation", {}],
      ["the model call names it too", { "gen_ai.conversation.id": "c-restart" }],
    ])(
      "holds again, from the GenAI log records the store kept, the messages model calls sent as records (%s)",
      (_, named) => {
        // instrumentation-openai: the model calls' spans carry no content; their records do, each
        // call's records the whole input again. The user says "Hi" twice in one turn.
        const model = (n: number) =>
          span(n, { attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", ...named } });
        const say = (n: number, role: string, content: string) =>
          genAiLog(TRACE, `gen_ai.${role}.message`, { content }, { spanId: model(n).spanId, timeMs: T0 + n });
        const answer = (n: number, content: string) =>
          genAiLog(
            TRACE,
            "gen_ai.choice",
            { index: 0, finish_reason: "stop", message: { role: "assistant", content } },
            { spanId: model(n).spanId, timeMs: T0 + n + 1 },
          );
        const records = () => [
          say(2, "system", "You greet."),
          say(2, "user", "Hi"),
          answer(2, "Hello!"),
          say(3, "system", "You greet."),
          say(3, "user", "Hi"),
          say(3, "assistant", "Hello!"),
          say(3, "user", "Hi"),
          answer(3, "Hello again!"),
        ];
        const messages = (batches: IngestBatch[]) =>
          batches.flatMap((b) => b.events.flatMap((e) => (e.type === "message.added" ? [e.message] : [])));
        // No restart: the records come first, then the model calls, then the root.
        const straight = new TraceAssembler();
        straight.assemble(undefined, [], records());
        straight.assemble(undefined, [model(2), model(3)], []);
        const expected = messages(straight.assemble(undefined, [conversationRoot()], []).batches);
        expect(expected.map((m) => m.parts.map((p) => (p.type === "text" ? p.text : "")).join(""))).toEqual([
          "You greet.",
          "Hi",
          "Hello!",
          "Hi",
          "Hello again!",
        ]);

        // A restart between the model calls and the root: what the store kept is read back.
        const before = new TraceAssembler();
        const written = [
          ...before.assemble(undefined, [], records()).batches,
          ...before.assemble(undefined, [model(2), model(3)], []).batches,
        ];
        expect(messages(written)).toEqual([]);
        // Where the store keeps them: in the conversation's run once the model call moved them
        // there, each event id once (a record the history repeats is kept once per conversation).
        const ids = new Set<string>();
        const stored = written.flatMap((b) => b.events).filter((e) => !ids.has(e.eventId) && ids.add(e.eventId));
        const provisional = written[0]?.runId as string;
        const runId = written.at(-1)?.runId as string;
        const conversation = runId !== provisional;
        expect(conversation).toBe("gen_ai.conversation.id" in named);
        const after = new TraceAssembler({ waitingRuns: conversation ? [] : [runId] });
        after.restore(
          { runId, sessionId: conversation ? "c-restart" : TRACE, project: "default", conversation },
          stored.flatMap((e) => (e.type === "span.recorded" ? [otlpSpanOf(e.span)] : [])),
          stored.flatMap((e) => {
            const record = e.type === "log.recorded" ? otlpLogOf(e.log) : undefined;
            return record ? [{ record, occurrence: storedOccurrence(record, e.eventId) }] : [];
          }),
        );
        const moved = after.assemble(undefined, [conversationRoot()], []).batches;
        expect(absorbed(moved[0])).toEqual(conversation ? [] : [runId]);
        // The same messages under the same ids: those a record made before the restart are not added twice.
        expect(messages(moved)).toEqual(expected);
      },
    );

    it("moves it again on the retry when the store could not write the move", () => {
      const before = new TraceAssembler().assemble(undefined, [chat(1, "hi")], []).batches[0]?.runId as string;
      const restarted = new TraceAssembler({ waitingRuns: [before] });
      const failed = restarted.assemble(undefined, [conversationRoot()], []).batches[0];
      restarted.giveBack(failed as IngestBatch);
      const retry = restarted.assemble(undefined, [conversationRoot()], []).batches[0];
      expect(absorbed(retry)).toEqual([before]);
    });
  });

  it("renames a run named after the service once the agent's name arrives", () => {
    const assembler = new TraceAssembler();
    const withConversation = (s: OtlpSpan, extra: Record<string, string> = {}) => ({
      ...s,
      attributes: { ...s.attributes, "gen_ai.conversation.id": "c-name", ...extra },
    });
    const first = assembler.assemble(undefined, [withConversation(chat(1, "hi"))], []).batches[0];
    expect(first?.events.find((e) => e.type === "run.created")).toMatchObject({ name: "shop", slug: "shop" });
    const named = assembler.assemble(
      undefined,
      [withConversation(root(), { "gen_ai.agent.name": "Trip Planner" })],
      [],
    );
    expect(named.batches[0]?.events.filter((e) => e.type === "run.renamed")).toMatchObject([
      { name: "Trip Planner", slug: "trip-planner" },
    ]);
    // A later chat span, which names no agent, does not undo it.
    const later = assembler.assemble(undefined, [{ ...withConversation(chat(2, "x")), traceId: "c".repeat(32) }], []);
    expect(later.batches[0]?.events.some((e) => e.type === "run.renamed")).toBe(false);
  });

  it("places every trace of a request larger than maxKnownTraces", () => {
    const assembler = new TraceAssembler({ maxKnownTraces: 2 });
    const spans = ["1", "2", "3"].map((d) => ({ ...chat(1, d), traceId: d.repeat(32) }));
    const result = assembler.assemble(undefined, spans, []);
    expect(result.batches).toHaveLength(3);
    expect(result.batches.every((b) => b.events.some((e) => e.type === "span.recorded" && e.model))).toBe(true);
  });

  it("remembers the traces used most recently when it has to forget", () => {
    const assembler = new TraceAssembler({ maxKnownTraces: 2 });
    const inTrace = (d: string, s: OtlpSpan) => ({ ...s, traceId: d.repeat(32) });
    const withConversation = (s: OtlpSpan) => ({
      ...s,
      attributes: { ...s.attributes, "gen_ai.conversation.id": "c" },
    });
    const a = assembler.assemble(undefined, [inTrace("a", chat(1, "x"))], []).batches[0]?.runId;
    assembler.assemble(undefined, [inTrace("b", chat(1, "x"))], []);
    assembler.assemble(undefined, [inTrace("a", chat(2, "x"))], []);
    assembler.assemble(undefined, [inTrace("c", chat(1, "x"))], []);
    const later = assembler.assemble(undefined, [inTrace("a", withConversation(root()))], []).batches[0];
    expect(later?.events.filter((e) => e.type === "run.absorbed")).toMatchObject([{ fromRunId: a }]);
  });

  describe("the same words said again", () => {
    const messages = (a: TraceAssembler, spans: OtlpSpan[]) =>
      a.assemble(undefined, spans, []).batches.flatMap((b) => b.events);
    /** The conversation as the store keeps it: each event id once, "role: text" rows. */
    const said = (events: RunEvent[]) => {
      const seen = new Set<string>();
      return events.flatMap((e) => {
        if (e.type !== "message.added" || seen.has(e.eventId)) return [];
        seen.add(e.eventId);
        return e.message.parts.flatMap((p) => (p.type === "text" ? [`${e.message.role}: ${p.text}`] : []));
      });
    };
    const io = (input: unknown[], output: string[]) => ({
      "gen_ai.conversation.id": "c-yes",
      "gen_ai.input.messages": JSON.stringify(input),
      "gen_ai.output.messages": JSON.stringify(
        output.map((text) => ({ role: "assistant", parts: [{ type: "text", content: text }] })),
      ),
    });
    const user = (text: string) => ({ role: "user", parts: [{ type: "text", content: text }] });
    const assistant = (text: string) => ({ role: "assistant", parts: [{ type: "text", content: text }] });
    const turn = (traceId: string, input: unknown[], reply: string) => [
      { ...chat(1, reply), traceId, attributes: { ...chat(1, reply).attributes, ...io(input, [reply]) } },
      { ...root(), traceId, attributes: { ...root().attributes, ...io([input.at(-1)], [reply]) } },
    ];

    it("keeps a prompt said in two turns twice", () => {
      const assembler = new TraceAssembler();
      const events = [
        ...messages(assembler, turn("1".repeat(32), [user("yes")], "Done.")),
        ...messages(assembler, turn("2".repeat(32), [user("yes")], "Done.")),
      ];
      expect(said(events)).toEqual(["user: yes", "assistant: Done.", "user: yes", "assistant: Done."]);
    });

    it("adds the history a model call repeats once", () => {
      const assembler = new TraceAssembler();
      const events = [
        ...messages(assembler, turn("1".repeat(32), [user("hi")], "Hello.")),
        ...messages(assembler, turn("2".repeat(32), [user("hi"), assistant("Hello."), user("yes")], "Done.")),
      ];
      expect(said(events)).toEqual(["user: hi", "assistant: Hello.", "user: yes", "assistant: Done."]);
    });

    it("keeps a reply two model calls of a turn both said, and the agent's final reply once", () => {
      const assembler = new TraceAssembler();
      const first = {
        ...chat(1, "On it."),
        attributes: { ...chat(1, "On it.").attributes, ...io([user("go")], ["On it."]) },
      };
      const second = {
        ...chat(2, "On it."),
        attributes: { ...chat(2, "On it.").attributes, ...io([user("go")], ["On it."]) },
      };
      const agent = { ...root(), attributes: { ...root().attributes, ...io([user("go")], ["On it."]) } };
      const events = messages(assembler, [first, second, agent]);
      expect(said(events)).toEqual(["user: go", "assistant: On it.", "assistant: On it."]);
      expect(said([...events, ...messages(assembler, [agent, second])])).toEqual(said(events));
    });

    it("says the answer once when the root comes before its model calls (an exporter retrying them)", () => {
      const inOrder = new TraceAssembler();
      const [model, agent] = turn("3".repeat(32), [user("Where is my order?")], "It left this morning.");
      const expected = said(messages(inOrder, [model as OtlpSpan, agent as OtlpSpan]));
      expect(expected).toEqual(["user: Where is my order?", "assistant: It left this morning."]);
      const rootFirst = new TraceAssembler();
      const events = [...messages(rootFirst, [agent as OtlpSpan]), ...messages(rootFirst, [model as OtlpSpan])];
      expect(said(events)).toEqual(expected);
      // The same when the store could not write the model call's batch the first time.
      const retried = new TraceAssembler();
      const rooted = messages(retried, [agent as OtlpSpan]);
      const failed = retried.assemble(undefined, [model as OtlpSpan], []).batches;
      for (const batch of failed) retried.giveBack(batch);
      expect(said([...rooted, ...messages(retried, [model as OtlpSpan])])).toEqual(expected);
    });

    it("says the answer once when the model call that said it after the root is sent again", () => {
      const [model, agent] = turn("5".repeat(32), [user("Where is my order?")], "It left this morning.");
      const assembler = new TraceAssembler();
      const events = [agent, model, model].flatMap((s) => messages(assembler, [s as OtlpSpan]));
      expect(said(events)).toEqual(["user: Where is my order?", "assistant: It left this morning."]);
    });

    it("keeps a model reply's reasoning when its words were the agent's, come first", () => {
      const [model, agent] = turn("6".repeat(32), [user("Where is my order?")], "It left this morning.");
      const output = JSON.stringify([
        {
          role: "assistant",
          parts: [
            { type: "reasoning", content: "Check the carrier first." },
            { type: "text", content: "It left this morning." },
          ],
        },
      ]);
      const thinking = {
        ...(model as OtlpSpan),
        attributes: { ...model?.attributes, "gen_ai.output.messages": output },
      };
      const assembler = new TraceAssembler();
      const events = [...messages(assembler, [agent as OtlpSpan]), ...messages(assembler, [thinking])];
      expect(said(events)).toEqual(["user: Where is my order?", "assistant: It left this morning."]);
      expect(
        events.flatMap((e) => (e.type === "message.added" ? e.message.parts.filter((p) => p.type === "thought") : [])),
      ).toEqual([{ type: "thought", text: "Check the carrier first." }]);
    });

    it("remembers an answer two nested agents said as the one message it is", () => {
      const [model, agent] = turn("7".repeat(32), [user("go")], "On it.");
      const inner = {
        ...(agent as OtlpSpan),
        spanId: (16).toString(16).padStart(16, "0"),
        parentSpanId: root().spanId,
      };
      const second = { ...(model as OtlpSpan), spanId: (2).toString(16).padStart(16, "0") };
      const inOrder = said(messages(new TraceAssembler(), [model as OtlpSpan, second, inner, agent as OtlpSpan]));
      expect(inOrder).toEqual(["user: go", "assistant: On it.", "assistant: On it."]);
      const assembler = new TraceAssembler();
      const events = [[agent, inner], [model], [second]].flatMap((spans) => messages(assembler, spans as OtlpSpan[]));
      expect(said(events)).toEqual(inOrder);
    });

    it("gives back only what a batch the store could not write took of the agent's answers", () => {
      const [model, agent] = turn("8".repeat(32), [user("go")], "On it.");
      const second = { ...(model as OtlpSpan), spanId: (2).toString(16).padStart(16, "0") };
      const tool = span(9, { traceId: "8".repeat(32), attributes: { "gen_ai.operation.name": "execute_tool" } });
      const assembler = new TraceAssembler();
      const events = messages(assembler, [agent as OtlpSpan]);
      const failed = assembler.assemble(undefined, [tool], []).batches;
      events.push(...messages(assembler, [model as OtlpSpan]));
      for (const batch of failed) assembler.giveBack(batch);
      events.push(...messages(assembler, [tool]), ...messages(assembler, [second]));
      expect(said(events)).toEqual(["user: go", "assistant: On it.", "assistant: On it."]);
    });

    it("keeps the same words a later model call says again, once the agent's answer was matched", () => {
      const assembler = new TraceAssembler();
      const [first, agent] = turn("4".repeat(32), [user("go")], "On it.");
      const second = { ...(first as OtlpSpan), spanId: (2).toString(16).padStart(16, "0") };
      const events = [
        ...messages(assembler, [agent as OtlpSpan]),
        ...messages(assembler, [first as OtlpSpan]),
        ...messages(assembler, [second]),
      ];
      expect(said(events)).toEqual(["user: go", "assistant: On it.", "assistant: On it."]);
    });
  });

  it("adds the question once when the next call of a tool round trip, a trace of its own, repeats it", () => {
    const assembler = new TraceAssembler();
    const call = (traceId: string, input: unknown[], output: unknown[]) => ({
      ...chat(1, ""),
      traceId,
      parentSpanId: undefined,
      attributes: {
        "gen_ai.operation.name": "chat",
        "session.id": "s-round-trip",
        "gen_ai.input.messages": JSON.stringify(input),
        "gen_ai.output.messages": JSON.stringify(output),
      },
    });
    const question = { role: "user", parts: [{ type: "text", content: "Weather in Lima?" }] };
    const toolCall = { role: "assistant", parts: [{ type: "tool_call", id: "t1", name: "weather", arguments: {} }] };
    const toolResult = { role: "tool", parts: [{ type: "tool_call_response", id: "t1", response: "sunny" }] };
    const answer = { role: "assistant", parts: [{ type: "text", content: "Sunny." }] };
    const events = [
      ...assembler.assemble(undefined, [call("1".repeat(32), [question], [toolCall])], []).batches,
      ...assembler.assemble(undefined, [call("2".repeat(32), [question, toolCall, toolResult], [answer])], []).batches,
    ].flatMap((b) => b.events);
    const ids = new Set<string>();
    const said = events.flatMap((e) => {
      if (e.type !== "message.added" || ids.has(e.eventId)) return [];
      ids.add(e.eventId);
      return [`${e.message.role}: ${e.message.parts.map((p) => p.type).join(",")}`];
    });
    expect(said).toEqual(["user: text", "assistant: tool_call", "assistant: tool_result", "assistant: text"]);
  });

  it("keeps each per-message log event once per conversation, though every call re-sends the history", () => {
    const assembler = new TraceAssembler();
    const record = (traceId: string, spanId: string, name: string, body: unknown) =>
      genAiLog(traceId, name, body, { spanId, attributes: { "gen_ai.conversation.id": "c-logs" } });
    const callLogs = (traceId: string, history: [string, string][], answer: string) => [
      ...history.map(([role, content]) => record(traceId, "1".repeat(16), `gen_ai.${role}.message`, { content })),
      record(traceId, "1".repeat(16), "gen_ai.choice", { index: 0, message: { content: answer } }),
    ];
    const turns = [
      callLogs(
        "1".repeat(32),
        [
          ["system", "Be brief."],
          ["user", "yes"],
        ],
        "Done.",
      ),
      callLogs(
        "2".repeat(32),
        [
          ["system", "Be brief."],
          ["user", "yes"],
          ["assistant", "Done."],
          ["user", "yes"],
        ],
        "Done again.",
      ),
    ];
    const events = turns.flatMap((logs) => assembler.assemble(undefined, [], logs).batches.flatMap((b) => b.events));
    const unique = (type: string) => new Set(events.filter((e) => e.type === type).map((e) => e.eventId)).size;
    // The system prompt, "yes", "Done.", the second "yes" and "Done again."
    expect(unique("log.recorded")).toBe(5);
    expect(unique("message.added")).toBe(5);
  });

  it("adds a reply re-sent in a later call's input in its place, when that call arrives before the reply's own", () => {
    const assembler = new TraceAssembler();
    const record = (traceId: string, name: string, body: unknown) =>
      genAiLog(traceId, name, body, { attributes: { "gen_ai.conversation.id": "c-late" } });
    // The second call's records come first (an exporter's retry put them ahead): its input
    // re-sends the first question and its answer.
    const second = assembler.assemble(
      undefined,
      [],
      [
        record("2".repeat(32), "gen_ai.user.message", { content: "Is it raining?" }),
        record("2".repeat(32), "gen_ai.assistant.message", { content: "Yes." }),
        record("2".repeat(32), "gen_ai.user.message", { content: "Still?" }),
        record("2".repeat(32), "gen_ai.choice", { index: 0, message: { content: "No." } }),
      ],
    );
    const first = assembler.assemble(
      undefined,
      [],
      [
        record("1".repeat(32), "gen_ai.user.message", { content: "Is it raining?" }),
        record("1".repeat(32), "gen_ai.choice", { index: 0, message: { content: "Yes." } }),
      ],
    );
    const said = (result: { batches: IngestBatch[] }) =>
      result.batches.flatMap((b) =>
        b.events.flatMap((e) => (e.type === "message.added" ? [[e.eventId, e.message.parts[0]]] : [])),
      );
    const text = (t: string) => ({ type: "text", text: t });
    const secondSaid = said(second);
    expect(secondSaid.map(([, part]) => part)).toEqual([
      text("Is it raining?"),
      text("Yes."),
      text("Still?"),
      text("No."),
    ]);
    // The first call's question and answer are the messages already added (the store keeps the first).
    expect(said(first)).toEqual([secondSaid[0], secondSaid[1]]);
  });

  it("keeps the messages of log records filed under a trace's own run until its root brings the conversation", () => {
    const assembler = new TraceAssembler();
    const log = (name: string, body: unknown) =>
      genAiLog(TRACE, name, body, { spanId: (2).toString(16).padStart(16, "0"), timeMs: T0 + 5 });
    const early = assembler.assemble(
      undefined,
      [chat(2, "")],
      [log("gen_ai.user.message", { content: "Weather?" }), log("gen_ai.choice", { message: { content: "Sunny." } })],
    );
    // The trace's own run has its span and log records, not yet its messages.
    expect(types(early.batches[0]?.events ?? []).filter((t) => t === "message.added")).toEqual([]);
    expect(types(early.batches[0]?.events ?? []).filter((t) => t === "log.recorded")).toHaveLength(2);
    const rooted = assembler.assemble(
      undefined,
      [{ ...root(), attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "c-1" } }],
      [],
    );
    const [conversation] = rooted.batches;
    expect(conversation?.runId).not.toBe(early.batches[0]?.runId);
    expect(types(conversation?.events ?? [])).toContain("run.absorbed");
    expect(conversation?.events.flatMap((e) => (e.type === "message.added" ? [e.message.parts[0]] : []))).toEqual([
      { type: "text", text: "Weather?" },
      { type: "text", text: "Sunny." },
    ]);
  });

  it("adds the messages of held log records once, though their request was retried or sent again", () => {
    const assembler = new TraceAssembler();
    const request = () => [
      genAiLog(TRACE, "gen_ai.user.message", { content: "Weather?" }, { spanId: "0".repeat(15) + "2" }),
      genAiLog(TRACE, "gen_ai.choice", { message: { content: "Sunny." } }, { spanId: "0".repeat(15) + "2" }),
    ];
    const first = assembler.assemble(undefined, [chat(2, "")], request());
    // The store could not write it: the exporter retries, and then sends it once more.
    assembler.giveBack(first.batches[0] as IngestBatch);
    assembler.assemble(undefined, [chat(2, "")], request());
    assembler.assemble(undefined, [chat(2, "")], request());
    const rooted = assembler.assemble(
      undefined,
      [{ ...root(), attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "c-2" } }],
      [],
    );
    const added = rooted.batches[0]?.events.filter((e) => e.type === "message.added") ?? [];
    expect(added.map((e) => (e.type === "message.added" ? e.message.parts[0] : undefined))).toEqual([
      { type: "text", text: "Weather?" },
      { type: "text", text: "Sunny." },
    ]);
  });

  it("keeps later log records' messages behind those that waited, when a record brings the conversation", () => {
    const assembler = new TraceAssembler();
    const spanId = "0".repeat(15) + "2";
    assembler.assemble(
      undefined,
      [chat(2, "")],
      [
        genAiLog(TRACE, "gen_ai.user.message", { content: "Weather?" }, { spanId, timeMs: T0 + 5 }),
        genAiLog(TRACE, "gen_ai.choice", { message: { content: "Sunny." } }, { spanId, timeMs: T0 + 6 }),
      ],
    );
    // A later record of the trace carries the conversation id; the root comes after it.
    const named = assembler.assemble(
      undefined,
      [],
      [
        genAiLog(
          TRACE,
          "gen_ai.user.message",
          { content: "Tomorrow?" },
          {
            spanId: "0".repeat(15) + "3",
            timeMs: T0 + 7,
            attributes: { "gen_ai.conversation.id": "c-3" },
          },
        ),
      ],
    );
    expect(named.batches[0]?.events.filter((e) => e.type === "message.added")).toEqual([]);
    const rooted = assembler.assemble(undefined, [root()], []);
    expect(rooted.batches[0]?.events.flatMap((e) => (e.type === "message.added" ? [e.message.parts[0]] : []))).toEqual([
      { type: "text", text: "Weather?" },
      { type: "text", text: "Sunny." },
      { type: "text", text: "Tomorrow?" },
    ]);
  });

  it("keeps an answer said again in a later turn when each call's answer comes in a later request than its input", () => {
    const assembler = new TraceAssembler();
    const conversation = { "gen_ai.conversation.id": "c-again" };
    const record = (traceId: string, spanId: string, name: string, body: unknown, at: number) =>
      genAiLog(traceId, name, body, { spanId, timeMs: T0 + at, attributes: conversation });
    const first = "1".repeat(32);
    const second = "2".repeat(32);
    const requests = [
      [
        record(first, "a".repeat(16), "gen_ai.system.message", { content: "Be brief." }, 1),
        record(first, "a".repeat(16), "gen_ai.user.message", { content: "Is it on?" }, 1),
      ],
      [record(first, "a".repeat(16), "gen_ai.choice", { message: { content: "Sure." } }, 2)],
      [
        record(second, "b".repeat(16), "gen_ai.system.message", { content: "Be brief." }, 3),
        record(second, "b".repeat(16), "gen_ai.user.message", { content: "Is it on?" }, 3),
        record(second, "b".repeat(16), "gen_ai.assistant.message", { content: "Sure." }, 3),
        record(second, "b".repeat(16), "gen_ai.user.message", { content: "And now?" }, 3),
      ],
      [record(second, "b".repeat(16), "gen_ai.choice", { message: { content: "Sure." } }, 4)],
    ];
    // Each message once, as the store keeps each event id once.
    const kept = new Map<string, string>();
    for (const logs of requests) {
      for (const batch of assembler.assemble(undefined, [], logs).batches) {
        for (const e of batch.events) {
          if (e.type === "message.added" && !kept.has(e.eventId)) {
            kept.set(e.eventId, e.message.parts.map((p) => (p.type === "text" ? p.text : "")).join(""));
          }
        }
      }
    }
    expect([...kept.values()]).toEqual(["Be brief.", "Is it on?", "Sure.", "And now?", "Sure."]);
  });

  it("counts a call's records across requests, one record a request, and a request sent twice as once", () => {
    const assembler = new TraceAssembler();
    const conversation = { "gen_ai.conversation.id": "c-split" };
    const record = (turn: number, name: string, body: unknown) =>
      genAiLog(String(turn).repeat(32), name, body, {
        spanId: String(turn).repeat(16),
        timeMs: T0 + turn,
        attributes: conversation,
      });
    // Three turns; the model answers the same words each time; each call re-sends the history.
    const requests: OtlpLogRecord[][] = [];
    const history: [string, unknown][] = [["gen_ai.system.message", { content: "Be brief." }]];
    for (const turn of [1, 2, 3]) {
      history.push(["gen_ai.user.message", { content: `Question ${turn}?` }]);
      for (const [name, body] of history) requests.push([record(turn, name, body)]);
      requests.push([record(turn, "gen_ai.choice", { message: { content: "Done." } })]);
      history.push(["gen_ai.assistant.message", { content: "Done." }]);
    }
    const kept = new Map<string, string>();
    for (const logs of requests) {
      // Each request twice in a row, as an exporter re-sends one whose answer it did not get.
      for (const copy of [logs, logs]) {
        for (const batch of assembler.assemble(undefined, [], copy).batches) {
          for (const e of batch.events) {
            if (e.type === "message.added" && !kept.has(e.eventId)) {
              kept.set(e.eventId, e.message.parts.map((p) => (p.type === "text" ? p.text : "")).join(""));
            }
          }
        }
      }
    }
    expect([...kept.values()]).toEqual([
      "Be brief.",
      "Question 1?",
      "Done.",
      "Question 2?",
      "Done.",
      "Question 3?",
      "Done.",
    ]);
  });

  it("keeps each message once when a request given back is sent again after its call's answer came, and once more", () => {
    const assembler = new TraceAssembler();
    const record = (name: string, body: unknown, at: number) =>
      genAiLog(TRACE, name, body, {
        spanId: "c".repeat(16),
        timeMs: T0 + at,
        attributes: { "gen_ai.conversation.id": "c-back" },
      });
    const input = () => [
      record("gen_ai.system.message", { content: "Be brief." }, 1),
      record("gen_ai.user.message", { content: "Hi" }, 1),
    ];
    const kept = new Map<string, string>();
    const keep = (batches: IngestBatch[]) => {
      for (const e of batches.flatMap((b) => b.events)) {
        if (e.type === "message.added" && !kept.has(e.eventId)) {
          kept.set(e.eventId, e.message.parts.map((p) => (p.type === "text" ? p.text : "")).join(""));
        }
      }
    };
    // The store could not write the input: given back; the answer comes (a collector sends in
    // parallel), then the input again, and once more.
    for (const batch of assembler.assemble(undefined, [], input()).batches) assembler.giveBack(batch);
    keep(assembler.assemble(undefined, [], [record("gen_ai.choice", { message: { content: "Hello" } }, 2)]).batches);
    keep(assembler.assemble(undefined, [], input()).batches);
    keep(assembler.assemble(undefined, [], input()).batches);
    // The next call re-sends the history.
    const next = (name: string, body: unknown, at: number) =>
      genAiLog(TRACE, name, body, {
        spanId: "d".repeat(16),
        timeMs: T0 + at,
        attributes: { "gen_ai.conversation.id": "c-back" },
      });
    keep(
      assembler.assemble(
        undefined,
        [],
        [
          next("gen_ai.system.message", { content: "Be brief." }, 3),
          next("gen_ai.user.message", { content: "Hi" }, 3),
          next("gen_ai.assistant.message", { content: "Hello" }, 3),
          next("gen_ai.user.message", { content: "Bye" }, 3),
          next("gen_ai.choice", { message: { content: "Ciao" } }, 4),
        ],
      ).batches,
    );
    expect([...kept.values()]).toEqual(["Hello", "Be brief.", "Hi", "Bye", "Ciao"]);
  });

  describe("a call's records given back", () => {
    const record = (name: string, body: unknown, at: number) =>
      genAiLog(TRACE, name, body, {
        spanId: "e".repeat(16),
        timeMs: T0 + at,
        attributes: { "gen_ai.conversation.id": "c-e" },
      });
    const input = () => [
      record("gen_ai.user.message", { content: "Go" }, 1),
      record("gen_ai.assistant.message", { content: "Done." }, 1),
      record("gen_ai.user.message", { content: "Again" }, 1),
    ];
    const answer = () => [record("gen_ai.choice", { message: { content: "Done." } }, 2)];
    const said = (batches: IngestBatch[], kept = new Map<string, string>()) => {
      for (const e of batches.flatMap((b) => b.events)) {
        if (e.type === "message.added" && !kept.has(e.eventId)) {
          kept.set(e.eventId, e.message.parts.map((p) => (p.type === "text" ? p.text : "")).join(""));
        }
      }
      return kept;
    };

    it("keeps the answer when both of its call's requests are given back and sent again", () => {
      const assembler = new TraceAssembler();
      const first = assembler.assemble(undefined, [], input()).batches;
      const second = assembler.assemble(undefined, [], answer()).batches;
      for (const batch of [...first, ...second]) assembler.giveBack(batch);
      const kept = said(assembler.assemble(undefined, [], input()).batches);
      said(assembler.assemble(undefined, [], answer()).batches, kept);
      expect([...kept.values()]).toEqual(["Go", "Done.", "Again", "Done."]);
    });

    it("keeps the count of a request re-sent while its first copy was being written, when that copy is given back", () => {
      const assembler = new TraceAssembler();
      const first = assembler.assemble(undefined, [], input()).batches;
      const copy = said(assembler.assemble(undefined, [], input()).batches);
      for (const batch of first) assembler.giveBack(batch);
      said(assembler.assemble(undefined, [], answer()).batches, copy);
      expect([...copy.values()]).toEqual(["Go", "Done.", "Again", "Done."]);
    });
  });

  it("counts records that name only their conversation within their request", () => {
    const assembler = new TraceAssembler();
    const record = (name: string, body: unknown, at: number) =>
      genAiLog("", name, body, { spanId: "", timeMs: T0 + at, attributes: { "gen_ai.conversation.id": "c-bare" } });
    const turns = [
      [
        record("gen_ai.system.message", { content: "Be brief." }, 1),
        record("gen_ai.user.message", { content: "Hi" }, 1),
        record("gen_ai.choice", { message: { content: "Hello" } }, 2),
      ],
      [
        record("gen_ai.system.message", { content: "Be brief." }, 3),
        record("gen_ai.user.message", { content: "Hi" }, 3),
        record("gen_ai.assistant.message", { content: "Hello" }, 3),
        record("gen_ai.user.message", { content: "Bye" }, 3),
        record("gen_ai.choice", { message: { content: "Ciao" } }, 4),
      ],
    ];
    const kept = new Map<string, string>();
    for (const logs of turns) {
      for (const e of assembler.assemble(undefined, [], logs).batches.flatMap((b) => b.events)) {
        if (e.type === "message.added" && !kept.has(e.eventId)) {
          kept.set(e.eventId, e.message.parts.map((p) => (p.type === "text" ? p.text : "")).join(""));
        }
      }
    }
    expect([...kept.values()]).toEqual(["Be brief.", "Hi", "Hello", "Bye", "Ciao"]);
  });

  describe("a complete trace whose model calls' content comes as log records", () => {
    const bare = (n: number) =>
      span(n, { attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o" } });
    const tool = (n: number) =>
      span(n, {
        attributes: {
          "gen_ai.operation.name": "execute_tool",
          "gen_ai.tool.name": "lookup",
          "gen_ai.tool.call.id": "call-1",
          "gen_ai.tool.call.arguments": '{"order":7}',
          "gen_ai.tool.call.result": '{"status":"shipped"}',
        },
      });
    const spans = () => [bare(2), tool(5), bare(8), root()];
    const records = () => [
      genAiLog(
        TRACE,
        "gen_ai.user.message",
        { content: "Where is order 7?" },
        { spanId: "0".repeat(15) + "2", timeMs: T0 + 2 },
      ),
      genAiLog(
        TRACE,
        "gen_ai.choice",
        { message: { content: "It shipped." } },
        { spanId: "0".repeat(15) + "8", timeMs: T0 + 9 },
      ),
    ];
    const said = (batches: IngestBatch[]) =>
      batches.flatMap((b) => b.events.flatMap((e) => (e.type === "message.added" ? [e.message.parts[0]?.type] : [])));
    const inOrder = ["text", "tool_call", "tool_result", "text"];

    it("waits for the records, then writes its tool calls in order with their questions and answers", () => {
      const assembler = new TraceAssembler();
      const traced = assembler.assemble(undefined, spans(), [], T0);
      // The trace is written at once; its tool call and result wait for the records.
      expect(types(traced.batches[0]?.events ?? []).filter((t) => t === "span.recorded")).toHaveLength(4);
      expect(said(traced.batches)).toEqual([]);
      const logged = assembler.assemble(undefined, [], records(), T0 + 100);
      expect(said(logged.batches)).toEqual(inOrder);
      // The store could not write that: the retry brings the tool call and result again.
      assembler.giveBack(logged.batches[0] as IngestBatch);
      expect(said(assembler.assemble(undefined, [], records(), T0 + 200).batches)).toEqual(inOrder);
    });

    it("writes the tool calls without the records once logsGraceMs passed", () => {
      const assembler = new TraceAssembler({ logsGraceMs: 1000 });
      assembler.assemble(undefined, spans(), [], T0);
      expect(said(assembler.drain(false, T0 + 999))).toEqual([]);
      expect(said(assembler.drain(false, T0 + 1001))).toEqual(["tool_call", "tool_result"]);
      // Records that come later are written as they come.
      expect(said(assembler.assemble(undefined, [], records(), T0 + 2000).batches)).toEqual(["text", "text"]);
    });

    it("holds the trace again when the store could not write the request that made it wait", () => {
      const assembler = new TraceAssembler();
      const traced = assembler.assemble(undefined, spans(), [], T0);
      assembler.giveBack(traced.batches[0] as IngestBatch);
      expect(said(assembler.assemble(undefined, spans(), [], T0 + 50).batches)).toEqual([]);
      expect(said(assembler.assemble(undefined, [], records(), T0 + 100).batches)).toEqual(inOrder);
    });

    it("names a tool result its log record said first after the tool its span says", () => {
      const assembler = new TraceAssembler();
      assembler.assemble(undefined, spans(), [], T0);
      const toolRecord = genAiLog(
        TRACE,
        "gen_ai.tool.message",
        { id: "call-1", content: '{"status":"shipped"}' },
        { spanId: "0".repeat(15) + "8", timeMs: T0 + 5 },
      );
      const logged = assembler.assemble(undefined, [], [...records(), toolRecord], T0 + 100);
      const results = logged.batches.flatMap((b) =>
        b.events.flatMap((e) =>
          e.type === "message.added" ? e.message.parts.filter((p) => p.type === "tool_result") : [],
        ),
      );
      expect(results).toEqual([{ type: "tool_result", id: "call-1", name: "lookup", result: { status: "shipped" } }]);
    });

    it("does not wait when a record of the trace came in an earlier request, or a model call carries its content", () => {
      const early = new TraceAssembler();
      expect(said(early.assemble(undefined, [], records().slice(0, 1), T0).batches)).toEqual([]);
      // The question waited for the root; the tool call and result join it at once, in order.
      expect(said(early.assemble(undefined, spans(), [], T0 + 10).batches)).toEqual([
        "text",
        "tool_call",
        "tool_result",
      ]);
      expect(said(early.assemble(undefined, [], records().slice(1), T0 + 20).batches)).toEqual(["text"]);
      const withContent = new TraceAssembler();
      expect(said(withContent.assemble(undefined, [chat(8, "It shipped."), tool(5), root()], [], T0).batches)).toEqual([
        "tool_call",
        "tool_result",
        "text",
      ]);
    });

    it("keeps waiting when more spans of the trace come without content", () => {
      const assembler = new TraceAssembler();
      assembler.assemble(undefined, spans(), [], T0);
      const gateway = span(40, { attributes: { "http.request.method": "POST" } });
      expect(said(assembler.assemble(undefined, [gateway, bare(30)], [], T0 + 50).batches)).toEqual([]);
      expect(said(assembler.assemble(undefined, [], records(), T0 + 100).batches)).toEqual(inOrder);
    });

    it("holds the trace again in its own run when the move its records brought could not be written", () => {
      const assembler = new TraceAssembler();
      const own = assembler.assemble(undefined, spans(), [], T0).batches[0]?.runId;
      const inConversation = records().map((r) => ({
        ...r,
        attributes: { ...r.attributes, "gen_ai.conversation.id": "c-logs" },
      }));
      const moved = assembler.assemble(undefined, [], inConversation, T0 + 100);
      expect(types(moved.batches[0]?.events ?? [])).toContain("run.absorbed");
      // The store could not write the move, and the exporter gives up: the conversation never
      // absorbed the trace's run, so what waited is written there.
      assembler.giveBack(moved.batches[0] as IngestBatch);
      const drained = assembler.drain(true, T0 + 200);
      expect(drained.map((b) => [b.runId, said([b])])).toEqual([[own, ["tool_call", "tool_result"]]]);
    });

    it("writes a trace let go of while holding another again before the request that moves it", () => {
      const assembler = new TraceAssembler({ maxHeld: 6 });
      const inTrace = (traceId: string) => (s: OtlpSpan) => ({ ...s, traceId });
      const j = inTrace("1".repeat(32));
      const k = inTrace("2".repeat(32));
      assembler.assemble(undefined, [bare(2), tool(5), bare(8), bare(9)].map(j), [], T0);
      const rooted = assembler.assemble(undefined, [root()].map(j), [], T0 + 10);
      // The second trace waits for its root in a run of its own.
      const own = assembler.assemble(undefined, [bare(2), tool(5), bare(8)].map(k), [], T0 + 20).batches[0]?.runId;
      // The first root's batch could not be written: holding its trace again lets go of the second.
      assembler.giveBack(rooted.batches[0] as IngestBatch);
      // The second's root brings its conversation, which absorbs its own run: what was let go of is
      // written there first.
      const conversation = {
        ...root(),
        attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "c-k" },
      };
      const moved = assembler.assemble(undefined, [k(conversation)], [], T0 + 30);
      expect(moved.batches.map((b) => [b.runId === own, types(b.events).includes("run.absorbed")])).toEqual([
        [true, false],
        [false, true],
      ]);
    });

    it("writes the traces that holding one again lets go of", () => {
      const assembler = new TraceAssembler({ maxHeld: 6 });
      const other = "1".repeat(32);
      const ofOther = (s: OtlpSpan) => ({ ...s, traceId: other });
      assembler.assemble(undefined, spans(), [], T0);
      const logged = assembler.assemble(undefined, [], records(), T0 + 10);
      expect(said(logged.batches)).toEqual(inOrder);
      // Another trace waits for its records, then the first request's records could not be written.
      assembler.assemble(undefined, spans().map(ofOther), [], T0 + 20);
      assembler.giveBack(logged.batches[0] as IngestBatch);
      // Holding the first trace again lets go of the other: its tool call and result are written next.
      expect(said(assembler.drain(false, T0 + 30))).toEqual(["tool_call", "tool_result"]);
      expect(said(assembler.assemble(undefined, [], records(), T0 + 40).batches)).toEqual(inOrder);
    });
  });

  it("tells apart replies of the same words with other tool calls", () => {
    const assembler = new TraceAssembler();
    const conversation = { attributes: { "gen_ai.conversation.id": "c-tools" } };
    const call = (id: string) => ({ id, type: "function", function: { name: "lookup", arguments: "{}" } });
    const logs = [
      genAiLog("1".repeat(32), "gen_ai.user.message", { content: "Where are my orders?" }, conversation),
      genAiLog(
        "1".repeat(32),
        "gen_ai.choice",
        { message: { content: "Let me check.", tool_calls: [call("t1")] } },
        conversation,
      ),
      genAiLog("2".repeat(32), "gen_ai.user.message", { content: "Where are my orders?" }, conversation),
      genAiLog(
        "2".repeat(32),
        "gen_ai.assistant.message",
        { content: "Let me check.", tool_calls: [call("t1")] },
        conversation,
      ),
      genAiLog("2".repeat(32), "gen_ai.tool.message", { id: "t1", content: "shipped" }, conversation),
      genAiLog(
        "2".repeat(32),
        "gen_ai.choice",
        { message: { content: "Let me check.", tool_calls: [call("t2")] } },
        conversation,
      ),
    ];
    const events = assembler.assemble(undefined, [], logs).batches.flatMap((b) => b.events);
    const said = new Map<string, string>();
    for (const e of events) {
      if (e.type !== "message.added") continue;
      const part = e.message.parts[0];
      said.set(e.eventId, part?.type === "text" ? part.text : (part?.type ?? ""));
    }
    expect([...said.values()].filter((text) => text === "Let me check.")).toHaveLength(2);
  });

  it("refuses spans without ids, and counts them", () => {
    const result = new TraceAssembler().assemble(undefined, [span(1, { traceId: "" }), span(2, { spanId: "" })], []);
    expect(result).toMatchObject({ batches: [], rejected: 2, reason: "a span without a trace_id or span_id" });
  });
});
