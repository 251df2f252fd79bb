/**
 * `keystroke auth status`: the server the account commands use, who is signed in there, the
 * active organization with its role, and how (a session or an API key). Exit 1 when not signed in.
 */
import type { Command } from "commander";
import { roleLabel, signedInClient, whoAmI } from "../../credentials/signed-in.js";
import { commandAction } from "../../output/command-action.js";
import { renderFields } from "../../output/render-table.js";

/** Adds `status` to `keystroke auth`. */
export function configure(auth: Command): void {
  auth
    .command("status")
    .description("Show the server signed in to, the user, the active organization and its role")
    .action(
      commandAction(async (_command, context) => {
        const client = signedInClient(context);
        const me = await whoAmI(client);
        const organization = context.target?.organization ?? me.activeOrganization;
        const role = me.organizations.find((o) => o.slug === organization)?.role;
        const data = {
          server: client.baseUrl,
          email: me.user.email,
          organization: organization ?? null,
          role: role ?? null,
          via: me.via,
          organizations: me.organizations,
        };
        const others = me.organizations.filter((o) => o.slug !== organization).map((o) => o.slug);
        return {
          data,
          human: () =>
            renderFields([
              ["Server", data.server],
              ["Email", data.email],
              ["Organization", organization ? `${organization} (${roleLabel(role ?? "member")})` : "none"],
              ...(others.length > 0 ? [["Also in", others.join(", ")] as const] : []),
              ["Via", me.via === "api_key" ? "an API key" : "a session (keystroke auth login)"],
            ]),
        };
      }),
    );
}
