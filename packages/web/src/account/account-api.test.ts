import { describe, expect, it } from "vitest";
import {
  activeMembership,
  isoTime,
  listIn,
  normalizeUserCode,
  readApiKey,
  readInvite,
  readMe,
  readMember,
} from "./account-api";

describe("reading the account answers", () => {
  it("reads who is signed in and the organization they act in", () => {
    const me = readMe({
      user: { userId: "usr_1", email: "ada@example.com", name: "Ada" },
      organizations: [
        { slug: "acme", name: "Acme", role: "owner" },
        { slug: "globex", name: "Globex", role: "builder" },
      ],
      activeOrganization: "globex",
      via: "session",
    });
    expect(me?.user).toEqual({ userId: "usr_1", email: "ada@example.com", name: "Ada" });
    expect(me && activeMembership(me)).toEqual({ slug: "globex", name: "Globex", role: "builder" });
    expect(readMe({ user: { email: "a@b.c" }, organizations: [], activeOrganization: { slug: "acme" } })).toMatchObject(
      { activeOrganization: "acme" },
    );
  });

  it("takes an answer without a user as a server without sign-in", () => {
    expect(readMe({ auth: false })).toBeUndefined();
    expect(readMe({ auth: false, user: { email: "a@b.c" } })).toBeUndefined();
    expect(readMe(undefined)).toBeUndefined();
  });

  it("falls back to the first organization when none is active", () => {
    const me = readMe({ user: {}, organizations: [{ slug: "acme", name: "Acme", role: "admin" }] });
    expect(me && activeMembership(me)?.slug).toBe("acme");
  });

  it("reads a member and turns times into ISO strings", () => {
    expect(readMember({ userId: "usr_1", email: "ada@example.com", name: "Ada", role: "owner", joinedAt: 0 })).toEqual({
      userId: "usr_1",
      email: "ada@example.com",
      name: "Ada",
      role: "owner",
      joinedAt: "1970-01-01T00:00:00.000Z",
    });
    expect(readMember({ userId: "usr_2", email: "bo@example.com", name: "Bo", role: "Admin" }).role).toBe("admin");
    expect(isoTime("2026-11-28T10:00:00Z")).toBe("2026-11-28T10:00:00Z");
    expect(isoTime(null)).toBeNull();
  });

  it("reads an API key with its project by slug or id", () => {
    const key = readApiKey({
      keyId: "key_1",
      name: "ci",
      preview: "ks_abcd…wxyz",
      projectId: "prj_1",
      createdAt: 1,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(key).toMatchObject({ keyId: "key_1", project: "prj_1", lastUsedAt: null, revokedAt: null });
    expect(readApiKey({ keyId: "key_2", project: "support", projectId: "prj_1" }).project).toBe("support");
    expect(readApiKey({ keyId: "key_3", projectId: null }).project).toBeNull();
  });

  it("finds a list in its envelope or as the answer, and says when there is none", () => {
    expect(listIn({ members: [{ a: 1 }] }, "members")).toEqual([{ a: 1 }]);
    expect(listIn([{ a: 1 }], "members")).toEqual([{ a: 1 }]);
    expect(() => listIn({ error: "?" }, "members")).toThrow("no members list");
  });

  it("makes an invite link absolute", () => {
    expect(readInvite({ url: "/invite#tok", expiresAt: 0 }, "https://ks.example")).toEqual({
      url: "https://ks.example/invite#tok",
      expiresAt: "1970-01-01T00:00:00.000Z",
    });
  });

  it("reads a device code as the CLI prints it", () => {
    expect(normalizeUserCode(" abcd-efgh ")).toBe("ABCD-EFGH");
  });
});
