/**
 * `keystroke auth login [--server <url>] [--token <token>]`: signs in to a team server with the
 * device flow (a code approved in the browser), or with `--token` (an API key, for CI), checks the
 * token with `GET /api/auth/me` and stores it in the credentials file. The server is --server,
 * else --url / KEYSTROKE_URL, else the one signed in to last.
 */
import { KeystrokeError } from "@keystroke/core";
import type { Command } from "commander";
import { KeystrokeClient } from "keystroke/client";
import { z } from "zod";
import {
  credentialsPath,
  loginFor,
  readCredentials,
  serverKey,
  withLogin,
  writeCredentials,
} from "../../credentials/credentials-file.js";
import { roleLabel } from "../../credentials/signed-in.js";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import type { CommandContext } from "../../output/command-context.js";
import { nodeHttpFetch } from "../../target/node-http-fetch.js";
import { checkUrl, resolveAccountTarget, type Target } from "../../target/resolve-target.js";
import { deviceLogin } from "./device-login.js";

const loginFlags = z.object({
  server: z.string().optional(),
  token: z.string().trim().min(1, "expected a session token or an API key").optional(),
});

function loginServer(server: string | undefined, context: CommandContext, path: string): Target {
  if (server !== undefined) return { url: checkUrl(server, "--server"), source: "--server" };
  try {
    return resolveAccountTarget({ flag: context.flags.url, credentials: readCredentials(path) });
  } catch (thrown) {
    if (!(thrown instanceof KeystrokeError) || thrown.code !== "unauthorized") throw thrown;
    throw new KeystrokeError("invalid_input", "No server to sign in to", {
      hint: "Name it: `keystroke auth login --server https://keystroke.example.com` (or set KEYSTROKE_URL)",
    });
  }
}

/** Adds `login` to `keystroke auth`. */
export function configure(auth: Command): void {
  auth
    .command("login")
    .description("Sign in to a team server: approve a code in the browser, or pass --token (CI)")
    .option("--server <url>", "the server (default: KEYSTROKE_URL, else the one signed in to last)")
    .option("--token <token>", "sign in with this token (an API key) instead of the browser")
    .action(
      commandAction(async (command, context) => {
        const flags = parseOptions(loginFlags, command.opts());
        const path = credentialsPath();
        const { url, source } = loginServer(flags.server, context, path);
        const server = serverKey(url);
        const anonymous = context.use({ url: server, source });
        const token = flags.token ?? (await deviceLogin(anonymous, context.progress));
        const client = new KeystrokeClient({ baseUrl: server, fetch: nodeHttpFetch, token });
        const me = await client.me().catch((thrown: unknown) => {
          if (!(thrown instanceof KeystrokeError) || thrown.code !== "unauthorized") throw thrown;
          throw new KeystrokeError("unauthorized", `${server} refused the token`, {
            hint: "Check the token (an API key is shown once, when created), or sign in with the browser: `keystroke auth login` without --token",
            cause: thrown,
          });
        });
        const credentials = readCredentials(path);
        const chosen = loginFor(credentials, server)?.organization;
        const kept = me.organizations.some((o) => o.slug === chosen) ? chosen : undefined;
        writeCredentials(
          withLogin(credentials, server, { token, email: me.user.email, ...(kept ? { organization: kept } : {}) }),
          path,
        );
        const organization = kept ?? me.activeOrganization;
        const role = me.organizations.find((o) => o.slug === organization)?.role;
        const where = organization ? `organization ${organization}, ${roleLabel(role ?? "member")}` : "no organization";
        return {
          data: { server, email: me.user.email, organization: organization ?? null, role: role ?? null, via: me.via },
          plain: `Signed in to ${server} as ${me.user.email} (${where})`,
        };
      }),
    );
}
