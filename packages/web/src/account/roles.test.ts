import { describe, expect, it } from "vitest";
import { assignableRoles, canRemoveMember, canRevokeKey, invitableRoles, isOrgRole, managesMembers } from "./roles";

describe("organization roles on the Settings page", () => {
  it("lets Owners and Admins manage members, not Builders", () => {
    expect(managesMembers("owner")).toBe(true);
    expect(managesMembers("admin")).toBe(true);
    expect(managesMembers("builder")).toBe(false);
  });

  it("lets only an Owner make or unmake an Owner, and keeps the last Owner", () => {
    expect(assignableRoles("owner", "builder", 1)).toEqual(["owner", "admin", "builder"]);
    expect(assignableRoles("admin", "builder", 1)).toEqual(["admin", "builder"]);
    expect(assignableRoles("admin", "owner", 2)).toEqual([]);
    expect(assignableRoles("owner", "owner", 2)).toEqual(["owner", "admin", "builder"]);
    expect(assignableRoles("owner", "owner", 1)).toEqual([]);
    expect(assignableRoles("builder", "builder", 1)).toEqual([]);
  });

  it("removes members the same way", () => {
    expect(canRemoveMember("admin", "builder", 1)).toBe(true);
    expect(canRemoveMember("admin", "owner", 2)).toBe(false);
    expect(canRemoveMember("owner", "owner", 2)).toBe(true);
    expect(canRemoveMember("owner", "owner", 1)).toBe(false);
    expect(canRemoveMember("builder", "builder", 1)).toBe(false);
  });

  it("invites Admins and Builders as an Owner or Admin, Builders as a Builder", () => {
    expect(invitableRoles("owner")).toEqual(["admin", "builder"]);
    expect(invitableRoles("admin")).toEqual(["admin", "builder"]);
    expect(invitableRoles("builder")).toEqual(["builder"]);
  });

  it("revokes a key as its creator or as an Owner or Admin", () => {
    expect(canRevokeKey("builder", "usr_1", "usr_1")).toBe(true);
    expect(canRevokeKey("builder", "usr_1", "usr_2")).toBe(false);
    expect(canRevokeKey("admin", "usr_1", "usr_2")).toBe(true);
  });

  it("knows its roles", () => {
    expect(isOrgRole("owner")).toBe(true);
    expect(isOrgRole("project_admin")).toBe(false);
    expect(isOrgRole(undefined)).toBe(false);
  });
});
