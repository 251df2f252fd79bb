/**
 * `keystroke config use org <slug>`: the organization account commands and requests act in on
 * the server signed in to, until changed (`--organization` overrides it for one command). The
 * slug must be one of the user's organizations.
 */
import { KeystrokeError, slugSchema } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import {
  credentialsPath,
  loginFor,
  readCredentials,
  withLogin,
  writeCredentials,
} from "../../credentials/credentials-file.js";
import { notSignedIn, roleLabel, signedInTarget, whoAmI } from "../../credentials/signed-in.js";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";

/** Adds `org` to `keystroke config use`. */
export function configure(use: Command): void {
  use
    .command("org")
    .description("Act in this organization from now on (on the server signed in to)")
    .argument("<slug>", "one of your organizations (`keystroke auth status` lists them)")
    .action(
      commandAction(async (command, context) => {
        const { slug } = parseOptions(z.object({ slug: slugSchema }), { slug: command.args[0] });
        const { organization: _previous, ...target } = signedInTarget(context);
        const client = context.use(target);
        const me = await whoAmI(client);
        const membership = me.organizations.find((o) => o.slug === slug);
        if (!membership) {
          throw new KeystrokeError("not_found", `${me.user.email} is not a member of "${slug}" on ${client.baseUrl}`, {
            hint: `Your organizations: ${me.organizations.map((o) => o.slug).join(", ") || "none"}`,
          });
        }
        const path = credentialsPath();
        const credentials = readCredentials(path);
        const login = loginFor(credentials, client.baseUrl);
        if (!login) throw notSignedIn(client.baseUrl);
        const current = credentials.current;
        const updated = withLogin(credentials, client.baseUrl, { ...login, organization: slug });
        writeCredentials(current === undefined ? updated : { ...updated, current }, path);
        return {
          data: { server: client.baseUrl, organization: slug, role: membership.role },
          plain: `Using organization ${slug} (${roleLabel(membership.role)}) on ${client.baseUrl}`,
        };
      }),
    );
}
