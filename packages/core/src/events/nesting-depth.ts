/**
 * Why: JSON.parse takes nesting thousands of levels deep, but everything after it that walks a
 * value recursively (JSON.stringify in the store, the reducer, the web page's viewers) overflows
 * the stack at about 4,000 levels and fails the request with a 500. Batches are refused at
 * validation instead, naming the field. The walk itself recurses at most MAX_NESTING_DEPTH + 1
 * levels, so it cannot overflow.
 */

/** The deepest nesting of arrays and objects accepted in one batch, counted from the batch itself. */
export const MAX_NESTING_DEPTH = 64;

/**
 * The path to the first array or object nested deeper than `maxDepth` (the value itself is level
 * 1), or undefined when `value` is shallow enough.
 *
 * @example
 * tooDeepPath({ events: [{ input: [[[1]]] }] }, 4); // ["events", 0, "input", 0]
 */
export function tooDeepPath(value: unknown, maxDepth = MAX_NESTING_DEPTH): (string | number)[] | undefined {
  // Most values are shallow enough: the path is only looked for when there is one to find.
  if (!nestedDeeperThan(value, maxDepth)) return undefined;
  const path: (string | number)[] = [];
  const visit = (node: unknown, depth: number): boolean => {
    if (typeof node !== "object" || node === null) return false;
    if (depth > maxDepth) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        if (visit(node[i], depth + 1)) return true;
        path.pop();
      }
      return false;
    }
    for (const key of Object.keys(node)) {
      path.push(key);
      if (visit((node as Record<string, unknown>)[key], depth + 1)) return true;
      path.pop();
    }
    return false;
  };
  return visit(value, 1) ? path : undefined;
}

/**
 * Whether `value` nests arrays and objects deeper than `maxDepth` (the value itself is level 1):
 * `tooDeepPath(value, maxDepth) !== undefined`, without building the path (about ten times as
 * fast on small values). It recurses at most `maxDepth` + 1 levels.
 *
 * @example
 * nestedDeeperThan([[[1]]], 2); // true
 */
export function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (maxDepth <= 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestedDeeperThan(item, maxDepth - 1)) return true;
    return false;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && nestedDeeperThan((value as Record<string, unknown>)[key], maxDepth - 1)) {
      return true;
    }
  }
  return false;
}
