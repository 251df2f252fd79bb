import { describe, expect, it } from "vitest";
import { historyFilterParams, listValues, withoutFilters, withParam } from "./history-query";

describe("the History query in the URL", () => {
  it("passes only the filters to the API, lists joined", () => {
    const params = new URLSearchParams("status=failed&status=canceled&tab=trace&cols=runId&q=refund&costMin=0.5");
    expect(historyFilterParams(params).toString()).toBe("status=failed%2Ccanceled&costMin=0.5&q=refund");
  });

  it("sets, clears and reads list filters", () => {
    const params = withParam(new URLSearchParams("cols=runId"), "status", ["failed", "running"]);
    expect(listValues(params, "status")).toEqual(["failed", "running"]);
    expect(withParam(params, "status", []).has("status")).toBe(false);
    expect(withoutFilters(params).toString()).toBe("cols=runId");
  });
});
