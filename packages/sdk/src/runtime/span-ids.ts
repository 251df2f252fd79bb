import { randomBytes } from "node:crypto";

/** A 32-hex-digit OpenTelemetry trace id. */
export const newTraceId = () => randomBytes(16).toString("hex");
/** A 16-hex-digit OpenTelemetry span id. */
export const newSpanId = () => randomBytes(8).toString("hex");
