import type { TokenTotals } from "../api/run-summary.js";

/** Zero tokens: the totals of a run before its first model call. */
export const emptyTokens = (): TokenTotals => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
