import type { RunEventInput } from "@keystroke/core";
import { newEventId } from "@keystroke/core/ids";
import { describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "./fixtures.js";
import { expectKeystrokeError, type StoreUnderTest } from "./index.js";

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse("2026-11-02T00:00:00Z");

export function describeDetail(get: () => StoreUnderTest): void {
  describe("getRun", () => {
    it("returns the conversation with thoughts, tool calls and results in order", async () => {
      const { store } = get();
      const batch = runEvents({ status: "running" });
      await store.append([batch]);
      await store.append([
        moreEvents(batch.runId, [
          {
            eventId: newEventId(),
            type: "message.added",
            time: iso(T0),
            message: { id: "u1", role: "user", parts: [{ type: "text", text: "Refund order 7" }] },
          },
          {
            eventId: newEventId(),
            type: "message.added",
            time: iso(T0 + 1),
            message: {
              id: "a1",
              role: "assistant",
              parts: [
                { type: "thought", text: "Look the order up first" },
                { type: "tool_call", id: "tc1", name: "lookup-order", arguments: { id: 7 } },
                {
                  type: "tool_call",
                  id: "tc2",
                  name: "research",
                  arguments: { message: "policy?" },
                  childRunId: "run_child",
                },
              ],
            },
          },
          {
            eventId: newEventId(),
            type: "message.part_added",
            time: iso(T0 + 2),
            messageId: "a1",
            part: { type: "tool_result", id: "tc1", error: { message: "Order service timed out" } },
          },
          {
            eventId: newEventId(),
            type: "message.part_added",
            time: iso(T0 + 3),
            messageId: "a1",
            part: { type: "text", text: "The order service is down; try again later." },
          },
        ]),
      ]);
      const view = await store.getRun(batch.runId, { messages: {} });
      expect(view?.messages?.items.map((m) => [m.index, m.id, m.role, m.parts.map((p) => p.type)])).toEqual([
        [0, "u1", "user", ["text"]],
        [1, "a1", "assistant", ["thought", "tool_call", "tool_call", "tool_result", "text"]],
      ]);
      expect(view?.messages?.items[1]?.parts[3]).toEqual({
        type: "tool_result",
        id: "tc1",
        error: { message: "Order service timed out" },
      });
      expect(view?.messages?.items[1]?.parts[2]).toMatchObject({ childRunId: "run_child" });
      expect((await store.listRuns({ search: "service down" })).runs.map((r) => r.runId)).toEqual([batch.runId]);
      expect(view?.spans).toBeUndefined();
    });

    it("pages messages, spans, logs and steps without loading the whole run", async () => {
      const { store } = get();
      const batch = runEvents({ status: "running" });
      await store.append([batch]);
      const events: RunEventInput[] = [];
      for (let i = 0; i < 250; i++) {
        events.push({
          eventId: newEventId(),
          type: "message.added",
          time: iso(T0 + i),
          message: { id: `m${i}`, role: i % 2 ? "assistant" : "user", parts: [{ type: "text", text: `message ${i}` }] },
        });
        events.push({
          eventId: newEventId(),
          type: "span.recorded",
          time: iso(T0 + i),
          // Ten spans share each start time: the span id orders them.
          span: {
            traceId: hex(1, 32),
            spanId: hex(1000 - i, 16),
            parentSpanId: i ? hex(1000, 16) : undefined,
            name: `chat ${i}`,
            startTime: iso(T0 + Math.floor(i / 10)),
            endTime: iso(T0 + 500),
          },
        });
        events.push({
          eventId: newEventId(),
          type: "log.recorded",
          time: iso(T0 + i),
          log: { time: iso(T0 + i), level: i % 50 ? "info" : "error", message: `log ${i}` },
        });
      }
      await store.append([moreEvents(batch.runId, events)]);

      const collect = async <T>(
        read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null } | undefined>,
      ) => {
        const all: T[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await read(cursor);
          if (!page) throw new Error("no page");
          expect(page.items.length).toBeLessThanOrEqual(100);
          all.push(...page.items);
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor);
        return { all, pages };
      };
      const messages = await collect(
        async (cursor) => (await store.getRun(batch.runId, { messages: { cursor, limit: 100 } }))?.messages,
      );
      expect(messages.pages).toBe(3);
      expect(messages.all.map((m) => m.index)).toEqual([...Array(250).keys()]);
      const spans = await collect(
        async (cursor) => (await store.getRun(batch.runId, { spans: { cursor, limit: 100 } }))?.spans,
      );
      expect(spans.all).toHaveLength(250);
      const keys = spans.all.map((s) => `${s.startTime}|${s.spanId}`);
      expect(keys).toEqual([...keys].sort());
      expect(new Set(keys).size).toBe(250);
      const logs = await collect(
        async (cursor) => (await store.getRun(batch.runId, { logs: { cursor, limit: 100 } }))?.logs,
      );
      expect(logs.all.map((l) => l.message)).toEqual(Array.from({ length: 250 }, (_, i) => `log ${i}`));
      expect(logs.all.filter((l) => l.level === "error")).toHaveLength(5);
      const steps = await store.getRun(batch.runId, { steps: {} });
      expect(steps?.steps).toEqual({ items: [], nextCursor: null });
    });

    it("reads a conversation in the time its messages were said, whatever order they came in", async () => {
      const { store } = get();
      const batch = runEvents({ status: "running" });
      await store.append([batch]);
      const said = (id: string, ms: number, role: "user" | "assistant" = "user") => ({
        eventId: newEventId(),
        type: "message.added" as const,
        time: iso(T0 + ms),
        message: { id, role, parts: [{ type: "text" as const, text: `said ${id}` }] },
      });
      // The second turn arrives first (an exporter retrying the first one later); within each
      // turn, two messages of the same millisecond keep the order they came in.
      await store.append([moreEvents(batch.runId, [said("q2", 5_000), said("a2", 5_000, "assistant")])]);
      await store.append([moreEvents(batch.runId, [said("q1", 1_000), said("a1", 1_000, "assistant")])]);
      // Then a third turn with a message said before them all, and a part added to the late first answer.
      await store.append([moreEvents(batch.runId, [said("q3", 9_000), said("a0", 0, "assistant")])]);
      await store.append([
        moreEvents(batch.runId, [
          {
            eventId: newEventId(),
            type: "message.part_added",
            time: iso(T0 + 9_500),
            messageId: "a1",
            part: { type: "text", text: "and more" },
          },
        ]),
      ]);
      const order = ["a0", "q1", "a1", "q2", "a2", "q3"];
      const whole = (await store.getRun(batch.runId, { messages: {} }))?.messages?.items ?? [];
      expect(whole.map((m) => m.id)).toEqual(order);
      expect(whole.map((m) => m.time)).toEqual([0, 1_000, 1_000, 5_000, 5_000, 9_000].map((ms) => iso(T0 + ms)));
      expect(whole[2]?.parts).toEqual([
        { type: "text", text: "said a1" },
        { type: "text", text: "and more" },
      ]);
      // Pages of two follow the same order, each starting where the last one ended.
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = (await store.getRun(batch.runId, { messages: { cursor, limit: 2 } }))?.messages;
        paged.push(...(page?.items.map((m) => m.id) ?? []));
        cursor = page?.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(order);
      // The cursor of a version before time order named the last message's index; it still works.
      const legacy = Buffer.from(JSON.stringify([whole[2]?.index])).toString("base64url");
      const rest = (await store.getRun(batch.runId, { messages: { cursor: legacy } }))?.messages?.items;
      expect(rest?.map((m) => m.id)).toEqual(order.slice(3));
      expect((await store.listRuns({ search: "more" })).runs.map((r) => r.runId)).toEqual([batch.runId]);
    });

    it("moves a message said again with an earlier time there, among the events that moved it", async () => {
      const { store } = get();
      const batch = runEvents({ status: "running" });
      await store.append([batch]);
      const said = (id: string, ms: number, eventId = `ev-${id}`) => ({
        eventId,
        type: "message.added" as const,
        time: iso(T0 + ms),
        message: { id, role: "assistant" as const, parts: [{ type: "text" as const, text: `said ${id}` }] },
      });
      // A later turn came first, carrying the system prompt and a tool call of the first turn as
      // its history, stamped with its own time.
      await store.append([moreEvents(batch.runId, [said("system", 5_000), said("call-1", 5_000), said("q2", 5_000)])]);
      // Then the first turn, all in one millisecond: its question, its tool call (said again,
      // earlier), its answer; and the system prompt said again, earlier, before them.
      await store.append([
        moreEvents(batch.runId, [said("system", 1_000), said("q1", 1_000), said("call-1", 1_000), said("a1", 1_000)]),
      ]);
      // Said again later: it stays where it is.
      await store.append([moreEvents(batch.runId, [said("q1", 9_000)])]);
      const view = await store.getRun(batch.runId, { messages: {} });
      expect(view?.messages?.items.map((m) => [m.id, m.time])).toEqual([
        ["system", iso(T0 + 1_000)],
        ["q1", iso(T0 + 1_000)],
        ["call-1", iso(T0 + 1_000)],
        ["a1", iso(T0 + 1_000)],
        ["q2", iso(T0 + 5_000)],
      ]);
      // Nothing was added twice: the History row counts each message once.
      expect(view?.run.messageCount).toBe(5);
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = (await store.getRun(batch.runId, { messages: { cursor, limit: 1 } }))?.messages;
        paged.push(...(page?.items.map((m) => m.id) ?? []));
        cursor = page?.nextCursor ?? undefined;
      } while (cursor);
      expect(paged).toEqual(["system", "q1", "call-1", "a1", "q2"]);
    });

    it("refuses a messages cursor that is neither a time and two places nor an earlier version's one index", async () => {
      const { store } = get();
      const batch = runEvents({ messages: ["x", "y"] });
      await store.append([batch]);
      const encoded = (position: unknown) => Buffer.from(JSON.stringify(position)).toString("base64url");
      for (const position of [[], [1, 2], [1, "a", 0], [1.5, 0, 0], ["1"], [1, 2, 3, 4]]) {
        await expectKeystrokeError(
          store.getRun(batch.runId, { messages: { cursor: encoded(position) } }),
          "invalid_input",
          "messagesCursor",
        );
      }
    });

    it("replaces a span recorded again with the same id (started, then ended)", async () => {
      const { store } = get();
      const batch = runEvents({ status: "running" });
      const span = { traceId: hex(2, 32), spanId: hex(7, 16), name: "invoke_agent support", startTime: iso(T0) };
      await store.append([batch]);
      await store.append([
        moreEvents(batch.runId, [{ eventId: newEventId(), type: "span.recorded", time: iso(T0), span }]),
      ]);
      await store.append([
        moreEvents(batch.runId, [
          {
            eventId: newEventId(),
            type: "span.recorded",
            time: iso(T0 + 5),
            span: { ...span, endTime: iso(T0 + 5), status: { code: "error", message: "boom" } },
          },
        ]),
      ]);
      const spans = (await store.getRun(batch.runId, { spans: {} }))?.spans?.items;
      expect(spans).toHaveLength(1);
      expect(spans?.[0]).toMatchObject({ endTime: iso(T0 + 5), status: { code: "error", message: "boom" } });
    });

    it("answers undefined for an unknown run and rejects a forged page cursor", async () => {
      const { store } = get();
      expect(await store.getRun("run_00000000000000000000000000")).toBeUndefined();
      const batch = runEvents({ messages: ["x"] });
      await store.append([batch]);
      await expectKeystrokeError(
        store.getRun(batch.runId, { messages: { cursor: "%%%" } }),
        "invalid_input",
        "messagesCursor",
      );
    });
  });
}
