/**
 * `--field <path>`: one value out of a command's JSON answer, by a dot path such as `status`,
 * `tokens.input` or `messages.0.role` (`messages[0].role` works too).
 */
import { KeystrokeError } from "@keystroke/core";

/** The top-level name of a path: `trace.spans.0` → `trace`. */
export function fieldRoot(path: string): string {
  return splitPath(path)[0] ?? "";
}

/**
 * @example
 * selectField({ tokens: { input: 12 } }, "tokens.input"); // → 12
 */
export function selectField(value: unknown, path: string): unknown {
  const segments = splitPath(path);
  if (segments.length === 0) throw unknownField(path, "an empty path", value);
  let current = value;
  for (const [i, segment] of segments.entries()) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) {
      const at = segments.slice(0, i).join(".");
      throw unknownField(
        path,
        at ? `"${at}" has no "${segment}"` : `there is no "${segment}"`,
        i === 0 ? value : undefined,
      );
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((s) => s !== "");
}

function unknownField(path: string, why: string, top: unknown): KeystrokeError {
  const known = top !== null && typeof top === "object" && !Array.isArray(top) ? Object.keys(top) : [];
  return new KeystrokeError("invalid_input", `Unknown field "${path}": ${why}`, {
    hint: known.length > 0 ? `Fields: ${known.join(", ")}` : "Print the whole answer without --field to see its fields",
    details: { problems: [{ path: "--field", message: `no value at ${path}` }] },
  });
}
