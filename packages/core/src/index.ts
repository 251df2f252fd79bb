/**
 * `@keystroke/core`: the run model every package shares, browser-safe (no `node:` modules; the id
 * functions need node:crypto and live at `@keystroke/core/ids`). In order below: API reply
 * schemas, the status and column catalogs, errors, run events and their validation, filters and
 * paging, display formats, runs (the reducer and read models), and the telemetry attribute names
 * (GenAI, OpenInference, AI SDK) the OTLP receiver, exporter and runtime share. The exports stay
 * sorted by path, so this comment, not comments between them, says what each part is.
 */
export * from "./api/index.js";
export * from "./catalog/columns.js";
export * from "./catalog/statuses.js";
export * from "./errors/keystroke-error.js";
export * from "./events/nesting-depth.js";
export * from "./events/parse-batch.js";
export * from "./events/parts.js";
export * from "./events/run-events.js";
export * from "./events/telemetry.js";
export * from "./events/time.js";
export * from "./filters/cursor.js";
export * from "./filters/run-filter.js";
export * from "./filters/run-filter-fields.js";
export * from "./format/format-values.js";
export * from "./runs/reduce.js";
export * from "./runs/run-pages.js";
export * from "./runs/run-summary.js";
export * from "./telemetry/semantic-attributes.js";
