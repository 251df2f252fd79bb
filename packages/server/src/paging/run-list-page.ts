import type { QueryParams } from "@keystroke/core";
import { DEFAULT_PAGE, MAX_PAGE, type PageRequest } from "@keystroke/store";
import { integerParam, singleParam } from "./query-params.js";

/** The query parameters of a run list that are not filters. */
export const runListPageParams = ["cursor", "limit"] as const;

/**
 * The page asked for by `cursor` and `limit` (1–1000, default 50). The cursor is the store's to
 * read (a History page and a search page carry different ones); the store refuses, naming
 * `cursor`, one it did not issue.
 *
 * @example
 * runListPage({ limit: "20" }); // { cursor: undefined, limit: 20 }
 */
export function runListPage(query: QueryParams): PageRequest {
  return { cursor: singleParam(query, "cursor"), limit: integerParam(query, "limit", 1, MAX_PAGE) ?? DEFAULT_PAGE };
}
