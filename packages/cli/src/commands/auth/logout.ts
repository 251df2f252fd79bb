/**
 * `keystroke auth logout`: ends the session on the server (`POST /api/auth/logout`) and removes
 * the server's entry from the credentials file. The entry goes even when the server cannot be
 * reached or refuses: the command says so.
 */
import { KeystrokeError, toKeystrokeError } from "@keystroke/core";
import type { Command } from "commander";
import {
  credentialsPath,
  loginFor,
  readCredentials,
  withoutServer,
  writeCredentials,
} from "../../credentials/credentials-file.js";
import { commandAction } from "../../output/command-action.js";

/** Why the server did not end the session, in words; undefined when it did (or it had already ended). */
async function endSession(logout: () => Promise<void>): Promise<string | undefined> {
  try {
    await logout();
    return undefined;
  } catch (thrown) {
    const error = toKeystrokeError(thrown);
    if (error.code === "unauthorized") return undefined;
    if (error.code === "unreachable") return "the server did not answer, so the session was not ended there";
    return `the server did not end the session: ${error.message}`;
  }
}

/** Adds `logout` to `keystroke auth`. */
export function configure(auth: Command): void {
  auth
    .command("logout")
    .description("Sign out of the server and forget its token")
    .action(
      commandAction(async (_command, context) => {
        const client = context.accountClient();
        const path = credentialsPath();
        const credentials = readCredentials(path);
        if (!loginFor(credentials, client.baseUrl)) {
          throw new KeystrokeError("unauthorized", `Not signed in to ${client.baseUrl}`, {
            hint: "Nothing to sign out of; `keystroke auth status` shows the server signed in to",
          });
        }
        const problem = await endSession(() => client.logout());
        writeCredentials(withoutServer(credentials, client.baseUrl), path);
        return {
          data: { server: client.baseUrl, signedOut: true, sessionEnded: problem === undefined },
          plain: `Signed out of ${client.baseUrl}${problem ? ` (${problem}; its token is forgotten here)` : ""}`,
        };
      }),
    );
}
