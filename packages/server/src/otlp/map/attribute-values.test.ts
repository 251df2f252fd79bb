/**
 * What `structured` makes of an attribute that arrives as a JSON string: the parsed value, unless
 * parsing would bring in more depth than an attribute value may have (32 levels) or more arrays
 * and objects than a request body may hold; then the string, as it came.
 */
import { expect, it } from "vitest";
import { MAX_JSON_CONTAINERS } from "../../errors/json-body-parser.js";
import { MAX_VALUE_DEPTH } from "../otlp-model.js";
import { structured } from "./attribute-values.js";

const nested = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;

it("parses JSON nested as deep as an attribute value may be, and keeps anything deeper as its string", () => {
  expect(JSON.stringify(structured(nested(MAX_VALUE_DEPTH)))).toBe(nested(MAX_VALUE_DEPTH));
  for (const levels of [MAX_VALUE_DEPTH + 1, 4_000, 10_000]) {
    const text = nested(levels);
    expect(structured(text) === text, `${levels} levels`).toBe(true);
  }
  const inObject = `{"arguments":${nested(MAX_VALUE_DEPTH)}}`;
  expect(structured(inObject) === inObject).toBe(true);
});

it("keeps as its string JSON of more arrays and objects than a body may hold", () => {
  const many = `[${"{},".repeat(MAX_JSON_CONTAINERS)}{}]`;
  expect(structured(many) === many).toBe(true);
  const fewer = `[${"{},".repeat(1000)}{}]`;
  expect(structured(fewer)).toHaveLength(1001);
});

it("leaves text that is not JSON, and values that are not strings, as they are", () => {
  expect(structured("hello [world]")).toBe("hello [world]");
  expect(structured("[not json")).toBe("[not json");
  expect(structured(42)).toBe(42);
  expect(structured(undefined)).toBeUndefined();
});

it("counts only the brackets that nest: brackets in strings, escaped quotes and siblings add no depth", () => {
  const inText = `{"text":"${"[".repeat(100)}{{{","more":"\\"${"{".repeat(50)}\\""}`;
  expect(structured(inText)).toEqual({ text: `${"[".repeat(100)}{{{`, more: `"${"{".repeat(50)}"` });
  const siblings = `[${Array.from({ length: 100 }, (_, i) => `[${i}]`).join(",")}]`;
  expect(structured(siblings)).toHaveLength(100);
  const deepAfterText = `{"text":"]]]]","nested":${nested(MAX_VALUE_DEPTH)}}`;
  expect(structured(deepAfterText) === deepAfterText).toBe(true);
});
