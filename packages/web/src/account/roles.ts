/**
 * What an organization role may do on the Settings page, as docs/auth.md says it: Owners and
 * Admins manage members (only an Owner makes or unmakes an Owner, and the last Owner stays),
 * Owners and Admins invite Admins and Builders, Builders invite Builders, and a key is revoked
 * by its creator or an Owner or Admin. The server decides; the page only enables what it allows.
 */

export type OrgRole = "owner" | "admin" | "builder";

export const orgRoles: readonly OrgRole[] = ["owner", "admin", "builder"];

export const roleLabels: Record<OrgRole, string> = { owner: "Owner", admin: "Admin", builder: "Builder" };

/** @example isOrgRole("admin") // true */
export const isOrgRole = (value: unknown): value is OrgRole =>
  typeof value === "string" && (orgRoles as readonly string[]).includes(value);

/** Whether the role manages members at all (change roles, remove). */
export const managesMembers = (actor: OrgRole) => actor === "owner" || actor === "admin";

/**
 * The roles `actor` may give a member who has `current` now; empty when it may not change it.
 *
 * @example
 * assignableRoles("admin", "builder"); // ["admin", "builder"]
 * assignableRoles("admin", "owner"); // []
 */
export function assignableRoles(actor: OrgRole, current: OrgRole, owners: number): OrgRole[] {
  if (!managesMembers(actor)) return [];
  if (current === "owner" && (actor !== "owner" || owners <= 1)) return [];
  return actor === "owner" ? [...orgRoles] : ["admin", "builder"];
}

/** Whether `actor` may remove a member whose role is `role`, `owners` being the Owners' count. */
export function canRemoveMember(actor: OrgRole, role: OrgRole, owners: number): boolean {
  if (!managesMembers(actor)) return false;
  return role !== "owner" || (actor === "owner" && owners > 1);
}

/** The roles `actor` may invite. */
export const invitableRoles = (actor: OrgRole): OrgRole[] =>
  managesMembers(actor) ? ["admin", "builder"] : ["builder"];

/** Whether `actor` (the user `actorId`) may revoke a key created by `creatorId`. */
export const canRevokeKey = (actor: OrgRole, actorId: string, creatorId: string | undefined) =>
  managesMembers(actor) || actorId === creatorId;
