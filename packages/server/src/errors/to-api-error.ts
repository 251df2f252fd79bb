/**
 * Turns anything a request can throw into the KeystrokeError the client sees. Our own code
 * throws KeystrokeError already; Fastify throws its own errors (`FST_ERR_*`) for bodies it cannot
 * read, and those get a message that says what to change.
 */
import { codeForStatus, KeystrokeError, toKeystrokeError } from "@keystroke/core";
import { formatBytes } from "./format-bytes.js";

export interface RequestContext {
  bodyLimitBytes: number;
  contentType: string | undefined;
}

interface FastifyLikeError {
  code: string;
  statusCode?: number;
  message: string;
}

function isFastifyError(thrown: unknown): thrown is FastifyLikeError {
  return thrown instanceof Error && typeof (thrown as Partial<FastifyLikeError>).code === "string";
}

/**
 * Maps a thrown value to a KeystrokeError, keeping KeystrokeErrors as they are.
 *
 * @example
 * const error = toApiError(thrown, { bodyLimitBytes: 16 * 1024 * 1024, contentType: "application/json" });
 * reply.status(error.httpStatus).send(error.toBody());
 */
export function toApiError(thrown: unknown, context: RequestContext): KeystrokeError {
  if (thrown instanceof KeystrokeError || !isFastifyError(thrown)) return toKeystrokeError(thrown);
  switch (thrown.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new KeystrokeError(
        "payload_too_large",
        `Request body is larger than the limit of ${formatBytes(context.bodyLimitBytes)}`,
        {
          hint: "Split the events across several smaller batches",
          details: { limitBytes: context.bodyLimitBytes },
        },
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new KeystrokeError(
        "unsupported_media_type",
        `Unsupported Content-Type ${context.contentType === undefined ? "(none)" : `"${context.contentType}"`}`,
        { hint: "Send the body as JSON with the header Content-Type: application/json" },
      );
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new KeystrokeError("invalid_input", "The body length does not match the Content-Length header", {
        hint: "Let your HTTP client set Content-Length",
      });
  }
  const status = thrown.statusCode ?? 500;
  return new KeystrokeError(codeForStatus(status), thrown.message, { cause: thrown });
}
