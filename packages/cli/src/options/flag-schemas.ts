/** Schemas of the flag shapes commands share: integers in a range, comma lists, --include. */
import { z } from "zod";

/** A whole number within [min, max], given as text. */
export function integerFlag(min: number, max: number) {
  const expected = `expected an integer from ${min} to ${max}`;
  return z
    .string()
    .regex(/^-?\d+$/, expected)
    .transform(Number)
    .pipe(z.number().int().min(min, expected).max(max, expected));
}

/** A flag that may repeat and take comma-separated values: `--status failed,running --status queued`. */
export const listFlag = z
  .array(z.string())
  .transform((values) =>
    values
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v !== ""),
  )
  .optional();

/** Collects a repeated flag's values for listFlag. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Page size of a list command, 1–1000 as the API allows. */
export const limitFlag = integerFlag(1, 1000).optional();

/** An opaque page cursor, passed back as the server gave it. */
export const cursorFlag = z.string().min(1, "expected the nextCursor of a previous page").optional();

/** `--include messages,trace` limited to `parts`. */
export function includeFlag<const P extends readonly [string, ...string[]]>(parts: P) {
  const part = z.enum(parts, { error: `expected a comma-separated list of ${parts.join(", ")}` });
  return z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== ""),
    )
    .pipe(z.array(part))
    .optional();
}

/** A JSON value given as text, e.g. `--input '{"orderId":"A-1001"}'`. */
export const jsonFlag = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch (thrown) {
    const why = thrown instanceof Error ? ` (${thrown.message})` : "";
    ctx.addIssue({ code: "custom", message: `expected JSON such as '{"orderId":"A-1001"}'${why}` });
    return z.NEVER;
  }
});
