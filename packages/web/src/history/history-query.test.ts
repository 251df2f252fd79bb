import { parseRunFilter, runFilterFieldList } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { hasFilters, historyFilterParams, listValues, withoutFilters, withParam } from "./history-query";

/** What the API makes of the page's query: the filter the page would list. */
const filterOf = (params: URLSearchParams) => parseRunFilter(Object.fromEntries(historyFilterParams(params)));

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

  it.each(runFilterFieldList)("keeps $name through a shared URL, and clears it", (field) => {
    const shared = new URLSearchParams(
      withParam(new URLSearchParams("tab=trace"), field.param, field.example).toString(),
    );
    const filter = filterOf(shared);
    expect(filter[field.name]).toBeDefined();
    expect(filter).toEqual(parseRunFilter({ [field.param]: field.example }));
    expect(hasFilters(shared)).toBe(true);
    expect(withoutFilters(shared).toString()).toBe("tab=trace");
  });

  it("keeps every field at once, and the period shorthand", () => {
    const all = new URLSearchParams(runFilterFieldList.map((f) => [f.param, f.example]));
    expect(Object.keys(filterOf(all))).toEqual(runFilterFieldList.map((f) => f.name));
    expect(historyFilterParams(new URLSearchParams("period=24h")).get("period")).toBe("24h");
  });
});
