import { KeystrokeError } from "../errors/keystroke-error.js";

/** Runs `fn` and returns the KeystrokeError it throws; fails when it throws nothing or something else. */
export function catchKeystrokeError(fn: () => unknown): KeystrokeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeystrokeError) return error;
    throw error;
  }
  throw new Error("expected a KeystrokeError, but nothing was thrown");
}

/** The paths of the problems an `invalid_input` error names, e.g. `events[2].type`. */
export function problemPaths(error: KeystrokeError): string[] {
  return (error.details as { problems: { path: string }[] }).problems.map((p) => p.path);
}
