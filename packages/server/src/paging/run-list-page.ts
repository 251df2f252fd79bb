import { decodeCursor, type QueryParams } from "@keystroke/core";
import { DEFAULT_PAGE, MAX_PAGE, type PageRequest } from "@keystroke/store";
import { integerParam, singleParam } from "./query-params.js";

/** The query parameters of a run list that are not filters. */
export const runListPageParams = ["cursor", "limit"] as const;

/**
 * The page asked for by `cursor` and `limit` (1–1000, default 50). A cursor this server did not
 * issue is refused here, naming `cursor`.
 *
 * @example
 * runListPage({ limit: "20" }); // { cursor: undefined, limit: 20 }
 */
export function runListPage(query: QueryParams): PageRequest {
  const cursor = singleParam(query, "cursor");
  if (cursor !== undefined) decodeCursor(cursor);
  return { cursor, limit: integerParam(query, "limit", 1, MAX_PAGE) ?? DEFAULT_PAGE };
}
