import { describe, expect, it } from "vitest";
import { openRunId, runHref } from "./use-url";

describe("run URLs", () => {
  it("name the open run in the path and keep the list's query", () => {
    const href = runHref("run_01JDEM00000000000000000000", new URLSearchParams("status=failed&tab=trace"), "metadata");
    expect(href).toBe("/runs/run_01JDEM00000000000000000000?status=failed&tab=metadata");
    expect(runHref("run_1", new URLSearchParams("tab=trace"))).toBe("/runs/run_1");
    expect(openRunId("/runs/run_01JDEM00000000000000000000")).toBe("run_01JDEM00000000000000000000");
    expect(openRunId("/")).toBeUndefined();
  });
});
