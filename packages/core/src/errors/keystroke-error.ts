/**
 * The one error type of Keystroke. Every layer throws it; the server maps `code` to an HTTP
 * status once, the CLI maps it to an exit code once.
 *
 * @example
 * throw new KeystrokeError("not_found", "No run run_01H… in this store", { hint: "List runs with `keystroke history list`" });
 */
export type ErrorCode =
  | "invalid_input"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "gone"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "unavailable"
  | "unreachable"
  | "internal";

const httpStatusByCode: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  unreachable: 502,
  internal: 500,
};

export interface KeystrokeErrorOptions {
  hint?: string;
  details?: unknown;
  cause?: unknown;
}

/** The body every API error is sent as. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; hint?: string; details?: unknown };
}

export class KeystrokeError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: KeystrokeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "KeystrokeError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  get httpStatus(): number {
    return httpStatusByCode[this.code];
  }

  toBody(): ErrorBody {
    const error: ErrorBody["error"] = { code: this.code, message: this.message };
    if (this.hint !== undefined) error.hint = this.hint;
    if (this.details !== undefined) error.details = this.details;
    return { error };
  }
}

export function httpStatusOf(code: ErrorCode): number {
  return httpStatusByCode[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(httpStatusByCode, value);
}

/**
 * Turns anything thrown into a KeystrokeError; unknown failures become `internal`. A KeystrokeError
 * from another copy of this module (a project loaded through a TypeScript loader, the CLI's
 * bundle) fails `instanceof` but keeps its code, hint and details.
 */
export function toKeystrokeError(thrown: unknown): KeystrokeError {
  if (thrown instanceof KeystrokeError) return thrown;
  if (thrown instanceof Error && thrown.name === "KeystrokeError" && isErrorCode((thrown as KeystrokeError).code)) {
    const other = thrown as KeystrokeError;
    return new KeystrokeError(other.code, other.message, {
      hint: other.hint,
      details: other.details,
      cause: other.cause,
    });
  }
  if (thrown instanceof Error) return new KeystrokeError("internal", thrown.message, { cause: thrown });
  return new KeystrokeError("internal", String(thrown));
}

/** Rebuilds a KeystrokeError from an API error body (used by HTTP clients). */
export function fromErrorBody(body: unknown, fallbackStatus: number): KeystrokeError {
  const error = (body as Partial<ErrorBody> | undefined)?.error;
  if (error && typeof error.message === "string") {
    const code = isErrorCode(error.code) ? error.code : codeForStatus(fallbackStatus);
    return new KeystrokeError(code, error.message, { hint: error.hint, details: error.details });
  }
  return new KeystrokeError(codeForStatus(fallbackStatus), `The server answered HTTP ${fallbackStatus}`);
}

/** The error code an HTTP status stands for: the inverse of the code → status table. */
export function codeForStatus(status: number): ErrorCode {
  const match = (Object.entries(httpStatusByCode) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match ? match[0] : status >= 500 ? "internal" : "invalid_input";
}
