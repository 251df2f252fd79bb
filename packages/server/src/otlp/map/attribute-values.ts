/** Reading typed values out of OTLP attributes, whichever convention named them. */
import { exceedsJsonBounds } from "../../errors/json-body-parser.js";
import { type Attributes, type AttributeValue, MAX_VALUE_DEPTH } from "../otlp-model.js";

/** The first of `keys` that holds a non-empty string (numbers are written out). */
export function stringAt(attributes: Attributes, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number") return String(value);
  }
  return undefined;
}

/** The first of `keys` that holds a finite non-negative number (or a numeric string), as an integer. */
export function countAt(attributes: Attributes, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = attributes[key];
    const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof number === "number" && Number.isFinite(number) && number >= 0) return Math.round(number);
  }
  return undefined;
}

/**
 * A value that may arrive as a JSON string or already structured: the structured form. JSON nested
 * deeper than an attribute value may be (MAX_VALUE_DEPTH) stays the string it came as: parsed, it
 * would carry into the run's events a depth the decoders refuse, and what walks them (the store's
 * JSON.stringify, the readers) overflows the stack at a few thousand levels. So does JSON of more
 * arrays and objects than a request body may hold, which parsed would take many times its size.
 */
export function structured(value: AttributeValue | undefined): unknown {
  if (typeof value !== "string") return value ?? undefined;
  const first = value.trimStart()[0];
  if (first !== "[" && first !== "{" && first !== '"') return value;
  if (exceedsJsonBounds(value, MAX_VALUE_DEPTH)) return value;
  try {
    // JSON.parse itself does not recurse, whatever the depth.
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The plain text of a message content in any of the shapes the conventions use. */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join("\n");
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of ["content", "text", "value"]) {
      if (typeof record[key] === "string") return record[key] as string;
    }
  }
  return "";
}

/** Turns `ai.telemetry.metadata.userId`-style attributes into `{ userId }`. */
export function withPrefix(attributes: Attributes, prefix: string): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const key in attributes) {
    if (key.startsWith(prefix)) out[key.slice(prefix.length)] = attributes[key] as AttributeValue;
  }
  return out;
}
