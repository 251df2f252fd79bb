/** Reading typed values out of OTLP attributes, whichever convention named them. */
import type { Attributes, AttributeValue } from "../otlp-model.js";

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

/** A value that may arrive as a JSON string or already structured: the structured form. */
export function structured(value: AttributeValue | undefined): unknown {
  if (typeof value !== "string") return value ?? undefined;
  const first = value.trimStart()[0];
  if (first !== "[" && first !== "{" && first !== '"') return value;
  try {
    return JSON.parse(value) as unknown;
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
