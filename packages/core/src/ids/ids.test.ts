import { describe, expect, it } from "vitest";
import { newEventId, newRunId, newSpanId, newTraceId } from "./ids.js";

describe("ids", () => {
  it("mints run and event ids as sortable ULIDs, unique even within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => newEventId(1_800_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(newRunId()).toMatch(/^run_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it("mints OpenTelemetry trace and span ids as random lowercase hex", () => {
    const spans = Array.from({ length: 5000 }, newSpanId);
    expect(new Set(spans).size).toBe(spans.length);
    for (const id of spans.slice(0, 50)) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(newTraceId()).toMatch(/^[0-9a-f]{32}$/);
  });
});
