/**
 * The headers with which the CLI says that a run it starts comes from the CLI: the command line
 * (recorded as the raw trigger value) and the local user (the actor).
 */
import { userInfo } from "node:os";

function localUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

/** Cuts a flag value shown in the recorded command line to 200 characters. */
export function shownValue(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}

/**
 * @example
 * client.prompt(slug, { message, headers: cliOriginHeaders(`keystroke agents prompt ${slug}`) });
 */
export function cliOriginHeaders(command: string): Record<string, string> {
  const user = localUser();
  return {
    "x-keystroke-client": "cli",
    "x-keystroke-command": command,
    ...(user ? { "x-keystroke-user": user } : {}),
  };
}
