import { newEventId } from "@keystroke/core/ids";
import { describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "./fixtures.js";
import type { StoreUnderTest } from "./index.js";

const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse("2026-11-04T00:00:00Z");

export function describeModelSpan(get: () => StoreUnderTest): void {
  describe("span.recorded with a model call", () => {
    it("folds the span's model call into the run, as a model.called would be", async () => {
      const { store } = get();
      const run = runEvents({ at: T0, status: "running" });
      await store.append([run]);
      await store.append([
        moreEvents(run.runId, [
          {
            eventId: newEventId(),
            type: "span.recorded",
            time: iso(T0 + 1),
            span: {
              traceId: "c".repeat(32),
              spanId: "d".repeat(16),
              name: "chat gpt-4o-mini",
              kind: "client",
              startTime: iso(T0 + 1),
              endTime: iso(T0 + 901),
              status: { code: "ok" },
              attributes: {},
              events: [],
            },
            model: {
              callId: "d".repeat(16),
              provider: "openai",
              model: "gpt-4o-mini",
              usage: { inputTokens: 410, outputTokens: 20, cacheReadTokens: 100 },
              cost: 0.0002,
              latencyMs: 900,
            },
          },
          {
            eventId: newEventId(),
            type: "model.called",
            time: iso(T0 + 2),
            callId: "other",
            provider: "anthropic",
            model: "claude-haiku-4.5",
            usage: { inputTokens: 5, outputTokens: 1 },
          },
        ]),
      ]);
      const view = await store.getRun(run.runId, { spans: {} });
      expect(view?.run).toMatchObject({
        models: ["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5"],
        tokens: { input: 415, output: 21, cacheRead: 100 },
        stepCount: 2,
      });
      expect(view?.run.totalCost).toBeCloseTo(0.0002, 10);
      expect(view?.spans?.items.map((s) => s.name)).toEqual(["chat gpt-4o-mini"]);
      expect((await store.listRuns({ model: ["openai/gpt-4o-mini"] })).runs.map((r) => r.runId)).toEqual([run.runId]);
    });
  });
}
