/** The shapes the HTTP API answers with, as zod schemas and the types inferred from them. */
export * from "./agent-replies.js";
export * from "./run-pages.js";
export * from "./run-summary.js";
export * from "./service-replies.js";
export * from "./trigger-replies.js";
export * from "./workflow-replies.js";
