/**
 * How a failed append is reported: a KeystrokeError that names the event it came from
 * (`events[3].messageId (message.part_added): …`), and PostgreSQL's refusals of the text itself
 * (a NUL character cannot be stored in a text column) turned into invalid input.
 */
import { KeystrokeError, type RunEvent, toKeystrokeError } from "@keystroke/core";

/** Names the event a failure came from: `events[3] (message.part_added): …`. */
export function atEvent(thrown: unknown, index: number, event: RunEvent): KeystrokeError {
  const error = toKeystrokeError(thrown);
  const field = (error.details as { field?: string } | undefined)?.field;
  const path = field ? `events[${index}].${field}` : `events[${index}]`;
  return new KeystrokeError(error.code, `${path} (${event.type}): ${error.message}`, {
    hint: error.hint,
    details: { problems: [{ path, message: error.message }], eventId: event.eventId },
    cause: error,
  });
}

/** SQLSTATEs of text PostgreSQL cannot store: NUL characters, bytes outside the encoding. */
const UNSTORABLE_TEXT = new Set(["22021", "22P05"]);

/** The error of a failed batch, as its caller should see it. */
export function batchError(thrown: unknown): KeystrokeError {
  const code = (thrown as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && UNSTORABLE_TEXT.has(code)) {
    return new KeystrokeError(
      "invalid_input",
      `The batch holds text that cannot be stored: ${(thrown as Error).message}`,
      {
        hint: "Remove NUL (\\u0000) characters from ids and names",
        cause: thrown,
      },
    );
  }
  return toKeystrokeError(thrown);
}

/** SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(thrown: unknown): string | undefined {
  const code = (thrown as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
