import { KeystrokeError, runIdSchema } from "@keystroke/core";

/**
 * The run id of a route path, refused with a message naming `runId` when it cannot be one.
 *
 * @example
 * parseRunIdParam("run_01JDQ8Z6W3N4Y5X6V7T8S9R0QP"); // the same id
 */
export function parseRunIdParam(value: string): string {
  if (runIdSchema.safeParse(value).success) return value;
  throw new KeystrokeError("invalid_input", `Invalid runId: "${value}" is not a run id`, {
    hint: "A run id is run_ followed by a 26-character ULID; list runs with `keystroke history list`",
    details: { problems: [{ path: "runId", message: "expected run_ followed by a 26-character ULID" }] },
  });
}

/** The 404 of a run the store does not hold. */
export function runNotFound(runId: string): KeystrokeError {
  return new KeystrokeError("not_found", `No run ${runId} in this store`, {
    hint: "List runs with `keystroke history list`",
    details: { runId },
  });
}
