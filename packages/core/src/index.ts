// Browser-safe: no `node:` modules. The id functions need node:crypto and live at `@keystroke/core/ids`.
// API replies
export * from "./api/index.js";
// Errors

export * from "./catalog/columns.js";
// Catalogs
export * from "./catalog/statuses.js";
export * from "./errors/keystroke-error.js";
export * from "./events/nesting-depth.js";
export * from "./events/parse-batch.js";
export * from "./events/parts.js";
export * from "./events/run-events.js";
export * from "./events/telemetry.js";
// Run events
export * from "./events/time.js";
export * from "./filters/cursor.js";
// Filters and paging
export * from "./filters/run-filter.js";
export * from "./filters/run-filter-fields.js";
// Display formats
export * from "./format/format-values.js";
export * from "./runs/reduce.js";
export * from "./runs/run-pages.js";
// Runs
export * from "./runs/run-summary.js";
