import { describe, expect, it } from "vitest";
import { parseRunFilter, runFilterParams, runFilterSchema, runFilterToParams } from "./run-filter.js";
import { runFilterFieldList } from "./run-filter-fields.js";

describe("the RunFilter field catalog", () => {
  it("is the schema's list of fields, and the URL parameters'", () => {
    const names = runFilterFieldList.map((f) => f.name);
    expect(Object.keys(runFilterSchema.shape)).toEqual(names);
    expect(Object.keys(runFilterParams)).toEqual(names);
  });

  it("gives each field its own URL parameter and CLI flag", () => {
    const params = runFilterFieldList.map((f) => f.param);
    const flags = runFilterFieldList.map((f) => f.flag);
    expect(new Set([...params, "period"]).size).toBe(params.length + 1);
    expect(new Set(flags).size).toBe(flags.length);
  });

  it.each(runFilterFieldList)("parses $name from its URL parameter, and writes it back", (field) => {
    const filter = parseRunFilter({ [field.param]: field.example });
    expect(filter[field.name]).toBeDefined();
    expect(Object.keys(filter)).toEqual([field.name]);
    expect(parseRunFilter(Object.fromEntries(runFilterToParams(filter)))).toEqual(filter);
  });

  it("parses every field at once", () => {
    const all = Object.fromEntries(runFilterFieldList.map((f) => [f.param, f.example]));
    expect(Object.keys(parseRunFilter(all))).toEqual(runFilterFieldList.map((f) => f.name));
  });
});
