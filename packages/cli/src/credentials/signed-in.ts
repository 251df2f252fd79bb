/**
 * What account commands (`auth status`, `projects`, `api-key`, `config use org`) need before
 * they call a team server: a stored sign-in for it, and the organization to act in.
 */
import { KeystrokeError } from "@keystroke/core";
import type { KeystrokeClient, MeReply } from "keystroke/client";
import type { CommandContext } from "../output/command-context.js";
import type { Target } from "../target/resolve-target.js";

/** `Owner`, `Admin`, `Builder`: an organization role as the docs write it. */
export function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1).replace(/_/g, " ");
}

/** The error of a command that needs a sign-in to `url`. */
export function notSignedIn(url: string): KeystrokeError {
  return new KeystrokeError("unauthorized", `Not signed in to ${url}`, {
    hint: `Sign in with \`keystroke auth login --server ${url}\``,
  });
}

/** The account target; `unauthorized` with the way to sign in when its server has no stored sign-in. */
export function signedInTarget(context: CommandContext): Target {
  const client = context.accountClient();
  if (!context.target?.token) throw notSignedIn(client.baseUrl);
  return context.target;
}

/** The account client, once signedInTarget found a sign-in. */
export function signedInClient(context: CommandContext): KeystrokeClient {
  signedInTarget(context);
  return context.accountClient();
}

/** `me()`, with a hint to sign in again when the server no longer accepts the stored token. */
export async function whoAmI(client: KeystrokeClient): Promise<MeReply> {
  try {
    return await client.me();
  } catch (thrown) {
    if (!(thrown instanceof KeystrokeError) || thrown.code !== "unauthorized") throw thrown;
    throw new KeystrokeError("unauthorized", `${client.baseUrl} no longer accepts the stored sign-in`, {
      hint: `It expired, was revoked or signed out: sign in again with \`keystroke auth login --server ${client.baseUrl}\``,
      cause: thrown,
    });
  }
}

/**
 * The organization an account command acts in: --organization, else the one `config use org`
 * chose, else the server's choice for the caller (their first organization).
 */
export async function activeOrganization(context: CommandContext, client: KeystrokeClient): Promise<string> {
  const chosen = context.target?.organization;
  if (chosen) return chosen;
  const me = await whoAmI(client);
  const slug = me.activeOrganization ?? me.organizations[0]?.slug;
  if (slug) return slug;
  throw new KeystrokeError("not_found", `${me.user.email} belongs to no organization on ${client.baseUrl}`, {
    hint: "Ask an Owner or Admin of your organization for an invite",
  });
}
