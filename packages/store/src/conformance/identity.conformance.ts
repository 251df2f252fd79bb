/**
 * The IdentityStore conformance suite: users with emails unique whatever their case,
 * organizations created with their Owner, members added, changed and removed (with their project
 * memberships), projects created with their Project Admin, API keys found, listed, revoked and
 * touched, sessions, invites taken once however many callers race for them, the device flow, and
 * all of it kept across a reopen.
 *
 * @example
 * describeIdentityStore("sqlite", async () => ({ identity, reopen, destroy }));
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_KEY_TOUCH_MS, DEVICE_CODE_MEMORY_MS, type IdentityStore, type User } from "../identity/identity-store.js";
import { expectKeystrokeError } from "./index.js";

export interface IdentityUnderTest {
  identity: IdentityStore;
  /** Closes the storage and opens it again, as a restarted process does. */
  reopen: () => Promise<IdentityStore>;
  destroy: () => Promise<void>;
}

/** A fixed time far from now, so expiries at explicit times never race the clock. */
const T = Date.UTC(2031, 0, 1);
const HOUR = 60 * 60 * 1000;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const key = (orgId: string, userId: string, name: string, projectId: string | null = null) => ({
  keyHash: `hash-${name}`,
  orgId,
  userId,
  name,
  preview: `ks_${name.slice(0, 4)}…wxyz`,
  projectId,
});

export function describeIdentityStore(name: string, factory: () => Promise<IdentityUnderTest>): void {
  describe(`IdentityStore conformance: ${name}`, () => {
    let current: IdentityUnderTest | undefined;
    const under = (): IdentityUnderTest => {
      if (!current) throw new Error("identity store used outside a test");
      return current;
    };
    const user = (email: string, userName = email.split("@")[0] ?? email): Promise<User> =>
      under().identity.createUser({ email, name: userName, passwordHash: `argon2id$${email}` });
    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current?.destroy();
      current = undefined;
    });

    it("creates users, and finds them by id or by email whatever its case", async () => {
      const { identity } = under();
      expect(await identity.hasUsers()).toBe(false);
      const before = Date.now();
      const ada = await user("Ada@Example.com", "Ada");
      expect(ada.userId).toMatch(/^usr_/);
      expect(ada.userId.slice(4)).toMatch(ULID);
      expect(ada).toMatchObject({ email: "ada@example.com", name: "Ada" });
      expect(ada.createdAt).toBeGreaterThanOrEqual(before);
      expect(await identity.hasUsers()).toBe(true);
      expect(await identity.findUserByEmail("ADA@example.COM")).toEqual({
        ...ada,
        passwordHash: "argon2id$Ada@Example.com",
      });
      expect(await identity.getUser(ada.userId)).toEqual(ada);
      expect(await identity.getUser("usr_unknown")).toBeUndefined();
      expect(await identity.findUserByEmail("grace@example.com")).toBeUndefined();
    });

    it("refuses a second user with the same email, whatever its case", async () => {
      await user("ada@example.com");
      const error = await expectKeystrokeError(user("ADA@example.com"), "conflict", "ada@example.com");
      expect(error.details).toEqual({ email: "ada@example.com" });
    });

    it("creates an organization with its Owner, and refuses a taken slug", async () => {
      const { identity } = under();
      const ada = await user("ada@example.com");
      const grace = await user("grace@example.com");
      const acme = await identity.createOrganization({ slug: "acme", name: "Acme" }, ada.userId);
      expect(acme.orgId).toMatch(/^org_/);
      expect(acme).toMatchObject({ slug: "acme", name: "Acme" });
      expect(await identity.getOrganization("acme")).toEqual(acme);
      expect(await identity.getOrganization("globex")).toBeUndefined();
      expect(await identity.roleOf(acme.orgId, ada.userId)).toBe("owner");
      expect(await identity.memberships(ada.userId)).toEqual([{ organization: acme, role: "owner" }]);
      const error = await expectKeystrokeError(
        identity.createOrganization({ slug: "acme", name: "Another Acme" }, grace.userId),
        "conflict",
        "acme",
      );
      expect(error.details).toEqual({ organization: "acme" });
      expect(await identity.memberships(grace.userId)).toEqual([]);
    });

    it("adds members, changes their roles, and lists them in the order they joined", async () => {
      const { identity } = under();
      const ada = await user("ada@example.com");
      const grace = await user("grace@example.com");
      const linus = await user("linus@example.com");
      const acme = await identity.createOrganization({ slug: "acme", name: "Acme" }, ada.userId);
      const globex = await identity.createOrganization({ slug: "globex", name: "Globex" }, linus.userId);
      await identity.setMember(acme.orgId, grace.userId, "builder");
      await identity.setMember(globex.orgId, grace.userId, "admin");
      await identity.setMember(acme.orgId, linus.userId, "builder");
      await identity.setMember(acme.orgId, grace.userId, "admin");
      expect(await identity.roleOf(acme.orgId, grace.userId)).toBe("admin");
      expect(await identity.memberships(grace.userId)).toEqual([
        { organization: acme, role: "admin" },
        { organization: globex, role: "admin" },
      ]);
      expect(await identity.memberships(linus.userId)).toEqual([
        { organization: globex, role: "owner" },
        { organization: acme, role: "builder" },
      ]);
      const members = await identity.listMembers(acme.orgId);
      expect(members.map((m) => [m.user, m.role])).toEqual([
        [ada, "owner"],
        [grace, "admin"],
        [linus, "builder"],
      ]);
      expect(members[0]?.joinedAt).toBe(acme.createdAt);
      expect(await identity.roleOf(acme.orgId, "usr_unknown")).toBeUndefined();
    });

    it("keeps an Owner: the last one is neither demoted nor removed, even by two Owners at once", async () => {
      const { identity } = under();
      const ada = await user("ada@example.com");
      const grace = await user("grace@example.com");
      const acme = await identity.createOrganization({ slug: "acme", name: "Acme" }, ada.userId);
      const keep = { keepAnOwner: true };
      await expectKeystrokeError(identity.setMember(acme.orgId, ada.userId, "admin", keep), "conflict");
      await expectKeystrokeError(identity.removeMember(acme.orgId, ada.userId, keep), "conflict");
      expect(await identity.roleOf(acme.orgId, ada.userId)).toBe("owner");
      for (let round = 0; round < 5; round++) {
        await identity.setMember(acme.orgId, ada.userId, "owner");
        await identity.setMember(acme.orgId, grace.userId, "owner");
        // Each demotes the other at the same moment (or removes them): one change wins.
        const changes = await Promise.allSettled(
          round % 2 === 0
            ? [
                identity.setMember(acme.orgId, ada.userId, "admin", keep),
                identity.setMember(acme.orgId, grace.userId, "builder", keep),
              ]
            : [
                identity.removeMember(acme.orgId, ada.userId, keep),
                identity.removeMember(acme.orgId, grace.userId, keep),
              ],
        );
        expect(changes.filter((change) => change.status === "fulfilled")).toHaveLength(1);
        const owners = (await identity.listMembers(acme.orgId)).filter((member) => member.role === "owner");
        expect(owners).toHaveLength(1);
        const loser = (owners[0]?.user.userId === ada.userId ? grace : ada).userId;
        if (round % 2 === 1) await identity.setMember(acme.orgId, loser, "builder");
      }
      // With another Owner beside them, an Owner may become an Admin.
      await identity.setMember(acme.orgId, grace.userId, "owner");
      await identity.setMember(acme.orgId, ada.userId, "admin", keep);
      expect(await identity.roleOf(acme.orgId, ada.userId)).toBe("admin");
    });

    it("removes a member with their project memberships in that organization only", async () => {
      const { identity } = under();
      const ada = await user("ada@example.com");
      const grace = await user("grace@example.com");
      const acme = await identity.createOrganization({ slug: "acme", name: "Acme" }, ada.userId);
      const globex = await identity.createOrganization({ slug: "globex", name: "Globex" }, grace.userId);
      await identity.setMember(acme.orgId, grace.userId, "builder");
      const support = await identity.createProject(acme.orgId, { slug: "support", name: "Support" }, grace.userId);
      const billing = await identity.createProject(acme.orgId, { slug: "billing", name: "Billing" }, ada.userId);
      await identity.setProjectMember(billing.projectId, grace.userId, "builder");
      const own = await identity.createProject(globex.orgId, { slug: "support", name: "Support" }, grace.userId);

      expect(await identity.removeMember(acme.orgId, grace.userId)).toBe(true);
      expect(await identity.roleOf(acme.orgId, grace.userId)).toBeUndefined();
      expect(await identity.projectRoleOf(support.projectId, grace.userId)).toBeUndefined();
      expect(await identity.projectRoleOf(billing.projectId, grace.userId)).toBeUndefined();
      expect(await identity.projectsOfMember(acme.orgId, grace.userId)).toEqual([]);
      expect(await identity.projectRoleOf(billing.projectId, ada.userId)).toBe("project_admin");
      expect(await identity.projectsOfMember(globex.orgId, grace.userId)).toEqual([own.projectId]);
      expect(await identity.memberships(grace.userId)).toEqual([{ organization: globex, role: "owner" }]);
      expect(await identity.removeMember(acme.orgId, grace.userId)).toBe(false);
      expect(await identity.removeMember(acme.orgId, "usr_unknown")).toBe(false);
    });

    it("creates a project with its creator as Project Admin; a slug is unique in its organization", async () => {
      const { identity } = under();
      const ada = await user("ada@example.com");
      const grace = await user("grace@example.com");
      const acme = await identity.createOrganization({ slug: "acme", name: "Acme" }, ada.userId);
      const globex = await identity.createOrganization({ slug: "globex", name: "Globex" }, ada.userId);
      await identity.setMember(acme.orgId, grace.userId, "builder");
      const before = Date.now();
      const support = await identity.createProject(acme.orgId, { slug: "support", name: "Support" }, grace.userId);
      expect(support.projectId).toMatch(/^prj_/);
      expect(support).toMatchObject({ orgId: acme.orgId, slug: "support", name: "Support", createdBy: grace.userId });
      expect(support.createdAt).toBeGreaterThanOrEqual(before);
      expect(await identity.projectRoleOf(support.projectId, grace.userId)).toBe("project_admin");
      expect(await identity.projectRoleOf(support.projectId, ada.userId)).toBeUndefined();
      expect(await identity.getProject(acme.orgId, "support")).toEqual(support);
      expect(await identity.getProjectById(support.projectId)).toEqual(support);
      expect(await identity.getProject(globex.orgId, "support")).toBeUndefined();
      expect(await identity.getProjectById("prj_unknown")).toBeUndefined();

      const error = await expectKeystrokeError(
        identity.createProject(acme.orgId, { slug: "support", name: "Support again" }, ada.userId),
        "conflict",
        "support",
      );
      expect(error.details).toEqual({ project: "support", orgId: acme.orgId });
      const elsewhere = await identity.createProject(globex.orgId, { slug: "support", name: "Support" }, ada.userId);
      expect(elsewhere.projectId).not.toBe(support.projectId);
    });

    it("lists an organization's projects by slug, and a member's projects in it", async () => {
      const { identity } = under();
      const ada = await user("ada@example.com");
      const grace = await user("grace@example.com");
      const acme = await identity.createOrganization({ slug: "acme", name: "Acme" }, ada.userId);
      const globex = await identity.createOrganization({ slug: "globex", name: "Globex" }, grace.userId);
      const support = await identity.createProject(acme.orgId, { slug: "support", name: "Support" }, ada.userId);
      const billing = await identity.createProject(acme.orgId, { slug: "billing", name: "Billing" }, ada.userId);
      const docs = await identity.createProject(acme.orgId, { slug: "docs", name: "Docs" }, ada.userId);
      const theirs = await identity.createProject(globex.orgId, { slug: "alpha", name: "Alpha" }, grace.userId);
      expect((await identity.listProjects(acme.orgId)).map((p) => p.slug)).toEqual(["billing", "docs", "support"]);
      expect(await identity.listProjects(globex.orgId)).toEqual([theirs]);

      await identity.setProjectMember(support.projectId, grace.userId, "builder");
      await identity.setProjectMember(billing.projectId, grace.userId, "project_admin");
      await identity.setProjectMember(billing.projectId, grace.userId, "builder");
      expect(await identity.projectRoleOf(billing.projectId, grace.userId)).toBe("builder");
      expect(await identity.projectsOfMember(acme.orgId, grace.userId)).toEqual([billing.projectId, support.projectId]);
      expect(await identity.projectsOfMember(globex.orgId, grace.userId)).toEqual([theirs.projectId]);
      expect(await identity.projectsOfMember(acme.orgId, ada.userId)).toEqual([
        billing.projectId,
        docs.projectId,
        support.projectId,
      ]);
    });

    it("finds an API key by its hash, lists keys newest first, and revokes a key once", async () => {
      const { identity } = under();
      const ada = await user("ada@example.com");
      const grace = await user("grace@example.com");
      const acme = await identity.createOrganization({ slug: "acme", name: "Acme" }, ada.userId);
      const support = await identity.createProject(acme.orgId, { slug: "support", name: "Support" }, ada.userId);
      const ci = await identity.createApiKey(key(acme.orgId, ada.userId, "ci"));
      const otlp = await identity.createApiKey(key(acme.orgId, grace.userId, "otlp", support.projectId));
      const deploy = await identity.createApiKey(key(acme.orgId, ada.userId, "deploy"));
      expect(ci.keyId).toMatch(/^key_/);
      expect(ci).toMatchObject({
        orgId: acme.orgId,
        userId: ada.userId,
        name: "ci",
        preview: "ks_ci…wxyz",
        projectId: null,
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(otlp.projectId).toBe(support.projectId);
      expect(await identity.findApiKey("hash-otlp")).toEqual(otlp);
      expect(await identity.getApiKey(ci.keyId)).toEqual(ci);
      expect(await identity.findApiKey("hash-unknown")).toBeUndefined();
      expect(await identity.getApiKey("key_unknown")).toBeUndefined();
      expect(await identity.listApiKeys(acme.orgId)).toEqual([deploy, otlp, ci]);
      expect(await identity.listApiKeys(acme.orgId, ada.userId)).toEqual([deploy, ci]);
      expect(await identity.listApiKeys(acme.orgId, "usr_unknown")).toEqual([]);
      await expectKeystrokeError(identity.createApiKey(key(acme.orgId, ada.userId, "ci")), "conflict");

      expect(await identity.revokeApiKey(ci.keyId, T)).toBe(true);
      expect(await identity.revokeApiKey(ci.keyId, T + 1)).toBe(false);
      expect(await identity.revokeApiKey("key_unknown", T)).toBe(false);
      const revoked = { ...ci, revokedAt: T };
      expect(await identity.findApiKey("hash-ci")).toEqual(revoked);
      expect(await identity.getApiKey(ci.keyId)).toEqual(revoked);
      expect(await identity.listApiKeys(acme.orgId, ada.userId)).toEqual([deploy, revoked]);
    });

    it(`records a key's use at most once per ${API_KEY_TOUCH_MS} ms`, async () => {
      const { identity } = under();
      const ada = await user("ada@example.com");
      const acme = await identity.createOrganization({ slug: "acme", name: "Acme" }, ada.userId);
      const ci = await identity.createApiKey(key(acme.orgId, ada.userId, "ci"));
      await identity.touchApiKey(ci.keyId, T);
      expect((await identity.getApiKey(ci.keyId))?.lastUsedAt).toBe(T);
      await identity.touchApiKey(ci.keyId, T + 1000);
      expect((await identity.findApiKey("hash-ci"))?.lastUsedAt).toBe(T);
      await identity.touchApiKey(ci.keyId, T + API_KEY_TOUCH_MS);
      expect((await identity.listApiKeys(acme.orgId))[0]?.lastUsedAt).toBe(T + API_KEY_TOUCH_MS);
      await identity.touchApiKey("key_unknown", T);
    });

    it("keeps a session as stored until it is deleted, and forgets expired ones", async () => {
      const { identity } = under();
      const web = { userId: "usr_a", kind: "web" as const, createdAt: T, expiresAt: T + HOUR };
      const cli = { userId: "usr_a", kind: "cli" as const, createdAt: T, expiresAt: T + 2 * HOUR };
      await identity.createSession("token-web", web);
      await identity.createSession("token-cli", cli);
      expect(await identity.findSession("token-web")).toEqual(web);
      expect(await identity.findSession("token-cli")).toEqual(cli);
      expect(await identity.findSession("token-unknown")).toBeUndefined();
      await identity.deleteSession("token-web");
      await identity.deleteSession("token-unknown");
      expect(await identity.findSession("token-web")).toBeUndefined();
      expect(await identity.findSession("token-cli")).toEqual(cli);

      const later = { userId: "usr_b", kind: "web" as const, createdAt: T + 3 * HOUR, expiresAt: T + 4 * HOUR };
      await identity.createSession("token-later", later);
      expect(await identity.findSession("token-cli")).toBeUndefined();
      expect(await identity.findSession("token-later")).toEqual(later);
    });

    it("gives an invite to its first taker only, and never once it expired", async () => {
      const { identity } = under();
      const invite = { orgId: "org_a", role: "builder" as const, email: "Grace@Example.com", createdBy: "usr_a" };
      await identity.createInvite("invite-1", { ...invite, expiresAt: T + HOUR });
      await identity.createInvite("invite-2", { ...invite, email: null, expiresAt: T + HOUR });
      // Looking at an invite leaves it to be taken.
      expect(await identity.findInvite("invite-1", T)).toEqual({
        ...invite,
        email: "grace@example.com",
        expiresAt: T + HOUR,
        usedAt: null,
      });
      expect(await identity.takeInvite("invite-1", T)).toEqual({
        ...invite,
        email: "grace@example.com",
        expiresAt: T + HOUR,
        usedAt: T,
      });
      expect(await identity.findInvite("invite-1", T + 1)).toBeUndefined();
      expect(await identity.findInvite("invite-2", T + HOUR)).toBeUndefined();
      expect(await identity.takeInvite("invite-1", T + 1)).toBeUndefined();
      expect(await identity.takeInvite("invite-2", T + HOUR)).toBeUndefined();
      expect(await identity.takeInvite("invite-unknown", T)).toBeUndefined();
    });

    it("gives an invite to exactly one of 10 concurrent takers", async () => {
      const { identity } = under();
      await identity.createInvite("invite-1", {
        orgId: "org_a",
        role: "admin",
        email: null,
        createdBy: "usr_a",
        expiresAt: T + HOUR,
      });
      const taken = await Promise.all(Array.from({ length: 10 }, (_, i) => identity.takeInvite("invite-1", T + i)));
      expect(taken.filter((invite) => invite !== undefined)).toHaveLength(1);
    });

    it("answers a device code pending, then approved once, then missing", async () => {
      const { identity } = under();
      await identity.createDeviceCode("device-1", "ABCD-EFGH", T + HOUR);
      expect(await identity.pollDeviceCode("device-1", T)).toEqual({
        status: "pending",
        userCode: "ABCD-EFGH",
        expiresAt: T + HOUR,
      });
      expect(await identity.approveDeviceCode("abcdefgh", "usr_a", T + 1)).toBe(true);
      expect(await identity.approveDeviceCode("ABCD-EFGH", "usr_b", T + 2)).toBe(false);
      expect(await identity.pollDeviceCode("device-1", T + 3)).toEqual({ status: "approved", userId: "usr_a" });
      expect(await identity.pollDeviceCode("device-1", T + 4)).toEqual({ status: "missing" });
      expect(await identity.pollDeviceCode("device-unknown", T)).toEqual({ status: "missing" });
      expect(await identity.approveDeviceCode("ZZZZ-ZZZZ", "usr_a", T)).toBe(false);
    });

    it("answers a device code expired after its expiry, approved or not", async () => {
      const { identity } = under();
      await identity.createDeviceCode("device-1", "ABCD-EFGH", T + HOUR);
      await identity.createDeviceCode("device-2", "WXYZ-WXYZ", T + HOUR);
      expect(await identity.approveDeviceCode("abcd-efgh", "usr_a", T + HOUR)).toBe(false);
      expect(await identity.pollDeviceCode("device-1", T + HOUR)).toEqual({ status: "expired" });
      expect(await identity.approveDeviceCode("wxyzwxyz", "usr_a", T + HOUR - 1)).toBe(true);
      expect(await identity.pollDeviceCode("device-2", T + HOUR)).toEqual({ status: "expired" });
    });

    it("refuses a user code in use, and forgets codes long expired", async () => {
      const { identity } = under();
      await identity.createDeviceCode("device-1", "ABCD-EFGH", T);
      await expectKeystrokeError(identity.createDeviceCode("device-2", "abcdefgh", T + HOUR), "conflict", "abcdefgh");
      await identity.createDeviceCode("device-3", "abcd-efgh", T + DEVICE_CODE_MEMORY_MS);
      expect(await identity.pollDeviceCode("device-1", T + 1)).toEqual({ status: "missing" });
      expect(await identity.pollDeviceCode("device-3", T)).toMatchObject({ status: "pending", userCode: "abcd-efgh" });
    });

    it("limits sign-in attempts per key: five failures lock it, attempts in flight count, a success clears the email", async () => {
      const { identity } = under();
      const keys = ["email:ada@example.com", "client:10.0.0.1"];
      // Four failures, then a success on the email from elsewhere: the email's count starts over.
      for (let i = 0; i < 4; i++) {
        expect(await identity.beginLogin(keys, T + i)).toBe(0);
        await identity.settleLogin(keys, false, T + i);
      }
      expect(await identity.beginLogin(["email:ada@example.com", "client:10.0.0.2"], T + 10)).toBe(0);
      await identity.settleLogin(["email:ada@example.com", "client:10.0.0.2"], true, T + 10);
      // The client's count did not: its fifth failure locks it for 15 minutes.
      expect(await identity.beginLogin(keys, T + 20)).toBe(0);
      await identity.settleLogin(keys, false, T + 20);
      expect(await identity.beginLogin(["email:grace@example.com", "client:10.0.0.1"], T + 30)).toBe(15 * 60_000 - 10);
      expect(await identity.beginLogin(["email:grace@example.com", "client:10.0.0.9"], T + 30)).toBe(0);
      await identity.settleLogin(["email:grace@example.com", "client:10.0.0.9"], true, T + 30);
      // Five attempts in flight at once hold back a sixth until they settle, or until a minute passes.
      const linus = (n: number) => ["email:linus@example.com", `client:10.1.0.${n}`];
      for (let n = 0; n < 5; n++) expect(await identity.beginLogin(linus(n), T + 40)).toBe(0);
      expect(await identity.beginLogin(linus(5), T + 41)).toBeGreaterThan(0);
      expect(await identity.beginLogin(linus(5), T + 40 + 60_001)).toBe(0);
    });

    it("keeps everything across a reopen", async () => {
      const { identity } = under();
      const ada = await user("ada@example.com");
      const grace = await user("grace@example.com");
      const acme = await identity.createOrganization({ slug: "acme", name: "Acme" }, ada.userId);
      await identity.setMember(acme.orgId, grace.userId, "builder");
      const support = await identity.createProject(acme.orgId, { slug: "support", name: "Support" }, grace.userId);
      const ci = await identity.createApiKey(key(acme.orgId, ada.userId, "ci", support.projectId));
      await identity.revokeApiKey(ci.keyId, T);
      const session = { userId: ada.userId, kind: "cli" as const, createdAt: T, expiresAt: T + HOUR };
      await identity.createSession("token-1", session);
      await identity.createInvite("invite-1", {
        orgId: acme.orgId,
        role: "admin",
        email: null,
        createdBy: ada.userId,
        expiresAt: T + HOUR,
      });
      await identity.createDeviceCode("device-1", "ABCD-EFGH", T + HOUR);
      await identity.approveDeviceCode("ABCD-EFGH", ada.userId, T);

      const again = await under().reopen();
      expect(await again.hasUsers()).toBe(true);
      expect(await again.findUserByEmail("Grace@example.com")).toMatchObject(grace);
      expect(await again.getOrganization("acme")).toEqual(acme);
      expect(await again.memberships(grace.userId)).toEqual([{ organization: acme, role: "builder" }]);
      expect(await again.getProject(acme.orgId, "support")).toEqual(support);
      expect(await again.projectsOfMember(acme.orgId, grace.userId)).toEqual([support.projectId]);
      expect(await again.findApiKey("hash-ci")).toEqual({ ...ci, revokedAt: T });
      expect(await again.findSession("token-1")).toEqual(session);
      expect(await again.takeInvite("invite-1", T)).toMatchObject({ orgId: acme.orgId, role: "admin", usedAt: T });
      expect(await again.pollDeviceCode("device-1", T)).toEqual({ status: "approved", userId: ada.userId });
      await expectKeystrokeError(
        again.createUser({ email: "ADA@example.com", name: "Ada", passwordHash: "x" }),
        "conflict",
      );
    });
  });
}
