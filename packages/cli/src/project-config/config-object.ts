/**
 * Finds the object literal of `defineConfig({ … })` in the text of a keystroke.config.ts and its
 * top-level properties, without running the file: the CLI reads the linked organization and
 * project on every command (importing TypeScript would cost a loader), and `projects link` edits
 * two properties while keeping the rest of the file as the user wrote it. The scan skips strings,
 * template literals and comments, and tracks nesting; it does not understand regular expressions.
 */

/** A top-level property of the object: `key: value`, or a shorthand `key` (no value). */
export interface ConfigProperty {
  key: string;
  keyStart: number;
  keyEnd: number;
  value?: { start: number; end: number };
}

/** The object literal: the offsets of its braces and its properties. */
export interface ConfigObject {
  open: number;
  close: number;
  properties: ConfigProperty[];
}

const identifierStart = /[A-Za-z_$]/;
const identifierPart = /[\w$]/;

/** The offset after the comment starting at `i`, or `i` when none starts there. */
function skipComment(source: string, i: number): number {
  if (source[i] !== "/") return i;
  if (source[i + 1] === "/") {
    const end = source.indexOf("\n", i);
    return end === -1 ? source.length : end;
  }
  if (source[i + 1] === "*") {
    const end = source.indexOf("*/", i + 2);
    return end === -1 ? source.length : end + 2;
  }
  return i;
}

/** The offset after whitespace and comments from `i`. */
function skipTrivia(source: string, i: number): number {
  for (;;) {
    while (i < source.length && /\s/.test(source[i] ?? "")) i++;
    const after = skipComment(source, i);
    if (after === i) return i;
    i = after;
  }
}

/** The offset after the string or template literal whose quote is at `i`. */
function skipString(source: string, i: number): number {
  const quote = source[i];
  for (let j = i + 1; j < source.length; j++) {
    const c = source[j];
    if (c === "\\") j++;
    else if (c === quote) return j + 1;
    else if (quote === "`" && c === "$" && source[j + 1] === "{") j = skipNested(source, j + 1) - 1;
    else if (quote !== "`" && c === "\n") return j;
  }
  return source.length;
}

/** The offset after the bracket group opening at `i` (`{`, `[` or `(`) and its match. */
function skipNested(source: string, i: number): number {
  let depth = 0;
  for (let j = i; j < source.length; ) {
    const c = source[j] ?? "";
    const after = skipComment(source, j);
    if (after !== j) j = after;
    else if (c === '"' || c === "'" || c === "`") j = skipString(source, j);
    else {
      if ("{[(".includes(c)) depth++;
      else if ("}])".includes(c) && --depth === 0) return j + 1;
      j++;
    }
  }
  return source.length;
}

function readKey(source: string, i: number): { key: string; end: number } | undefined {
  const c = source[i] ?? "";
  if (c === '"' || c === "'") {
    const end = skipString(source, i);
    return { key: source.slice(i + 1, end - 1), end };
  }
  if (!identifierStart.test(c)) return undefined;
  let end = i + 1;
  while (end < source.length && identifierPart.test(source[end] ?? "")) end++;
  return { key: source.slice(i, end), end };
}

/** Reads the property between `start` and `end` (a top-level comma or the closing brace). */
function readProperty(source: string, start: number, end: number): ConfigProperty | undefined {
  const keyStart = skipTrivia(source, start);
  const key = keyStart < end ? readKey(source, keyStart) : undefined;
  if (!key) return undefined;
  const after = skipTrivia(source, key.end);
  if (after >= end) return { key: key.key, keyStart, keyEnd: key.end };
  if (source[after] !== ":") return undefined;
  const valueStart = skipTrivia(source, after + 1);
  let valueEnd = valueStart;
  for (let j = valueStart; j < end; ) {
    const next = skipTrivia(source, j);
    if (next >= end) break;
    const c = source[next] ?? "";
    j =
      c === '"' || c === "'" || c === "`"
        ? skipString(source, next)
        : "{[(".includes(c)
          ? skipNested(source, next)
          : next + 1;
    valueEnd = j;
  }
  return { key: key.key, keyStart, keyEnd: key.end, value: { start: valueStart, end: valueEnd } };
}

function readObject(source: string, open: number): ConfigObject {
  const close = skipNested(source, open) - 1;
  const properties: ConfigProperty[] = [];
  let start = open + 1;
  for (let j = open + 1; j <= close; ) {
    const c = source[j] ?? "";
    const after = skipComment(source, j);
    if (after !== j) j = after;
    else if (c === '"' || c === "'" || c === "`") j = skipString(source, j);
    else if ("{[(".includes(c)) j = skipNested(source, j);
    else if (c === "," || j === close) {
      const property = readProperty(source, start, j);
      if (property) properties.push(property);
      start = j + 1;
      j++;
    } else j++;
  }
  return { open, close, properties };
}

/** The object literal passed to `defineConfig(…)`, or undefined when the file has none. */
export function findConfigObject(source: string): ConfigObject | undefined {
  for (let i = 0; i < source.length; ) {
    const c = source[i] ?? "";
    const after = skipComment(source, i);
    if (after !== i) {
      i = after;
    } else if (c === '"' || c === "'" || c === "`") {
      i = skipString(source, i);
    } else if (identifierStart.test(c) && !identifierPart.test(source[i - 1] ?? "")) {
      const word = readKey(source, i);
      const end = word?.end ?? i + 1;
      if (word?.key === "defineConfig") {
        const paren = skipTrivia(source, end);
        const brace = source[paren] === "(" ? skipTrivia(source, paren + 1) : -1;
        const object = source[brace] === "{" ? readObject(source, brace) : undefined;
        if (object && source[object.close] === "}") return object;
      }
      i = end;
    } else {
      i++;
    }
  }
  return undefined;
}

/** The text of a string literal value (quotes or a template without `${}`), else undefined. */
export function literalText(source: string, property: ConfigProperty): string | undefined {
  if (!property.value) return undefined;
  const text = source.slice(property.value.start, property.value.end);
  const match = /^(?:"([^"\\\n]*)"|'([^'\\\n]*)'|`([^`\\$]*)`)$/.exec(text);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}
