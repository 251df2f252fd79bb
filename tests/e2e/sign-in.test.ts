/**
 * Signing in to a team server, end to end: real Chromium (Debian's) against a real server whose
 * first start created the organization `acme` and its Owner Ada (docs/auth.md, "First start").
 * A signed-out reader is sent from History to the sign-in page and back after signing in; a
 * wrong password reads as the API says it; Settings creates an API key shown once (then only its
 * preview) and revokes it, lists Ada as Owner, makes an invite link that a second person
 * accepts, creates a project; the organization switcher changes what the page reads; the CLI's
 * device code is approved; Sign out ends the session. An empty server's setup link creates the
 * first organization, and repeated wrong passwords are refused with how long to wait. A server
 * without sign-in shows no account UI at all. Screenshots land in tests/e2e/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningServer, startServer } from "@keystroke/server";
import { startTestServer, type TestServer } from "@keystroke/server/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe.js";
import { assertWebPageBuilt, launchChromium } from "./support/browser.js";

const shots = fileURLToPath(new URL("./screenshots/", import.meta.url));
const ADA = "ada@example.com";
const PASSWORD = "correct horse battery staple";

let dir: string;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertWebPageBuilt();
  mkdirSync(shots, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), "keystroke-sign-in-"));
  server = await startServer({
    dbPath: join(dir, "keystroke.db"),
    port: 0,
    auth: { init: { organization: "acme", email: ADA, password: PASSWORD } },
  });
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    permissions: ["clipboard-read", "clipboard-write"],
  });
  page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Waits for a value on the page; generous, since CI shares two cores between many test files. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
const where = () => {
  const url = new URL(page.url());
  return url.pathname + url.search;
};
/** What `GET /api/auth/me` answers to a bearer token (an API key). */
const meStatus = async (token: string) =>
  (await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status;
const tab = (name: string) => page.getByRole("tab", { name, exact: true });
const row = (table: string, text: string) =>
  page.getByRole("table", { name: table }).getByRole("row").filter({ hasText: text });

describe("signing in to a team server", { timeout: 60_000 }, () => {
  it("sends a signed-out reader from History to the sign-in page, keeping where they were", async () => {
    await page.goto(`${server.url}/?status=failed`);
    await poll(where).toBe("/sign-in?next=%2F%3Fstatus%3Dfailed");
    await poll(() => page.getByRole("heading", { name: "Sign in to Keystroke" }).isVisible()).toBe(true);
    expect(await page.getByRole("navigation", { name: "Pages" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}sign-in.png` });
  });

  it("shows a wrong password's refusal as the API words it", async () => {
    await page.getByLabel("Email").fill(ADA);
    await page.getByLabel("Password").fill("wrong horse");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await poll(() => alert.isVisible()).toBe(true);
    expect((await alert.textContent())?.trim()).not.toBe("");
    expect(where()).toBe("/sign-in?next=%2F%3Fstatus%3Dfailed");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}sign-in-wrong-password.png` });
  });

  it("signs in and comes back to History, with the organization, the email and Sign out", async () => {
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await poll(where).toBe("/?status=failed");
    await poll(() => page.getByRole("heading", { name: "History", level: 1 }).isVisible()).toBe(true);
    await poll(() => page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
    expect(await page.getByRole("combobox", { name: "Organization" }).inputValue()).toBe("acme");
    expect(await page.locator(".topbar").textContent()).toContain(ADA);
    expect(await page.getByRole("link", { name: "History" }).getAttribute("aria-current")).toBe("page");
    await poll(() => page.locator(".error-state").count()).toBe(0);
  });

  it("creates an API key in Settings, shows it once, lists its preview and revokes it", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    await poll(where).toBe("/settings");
    await tab("API keys").click();
    await poll(where).toBe("/settings?tab=api-keys");
    await page.getByLabel("Name", { exact: true }).fill("ci-deploy");
    await page.getByRole("button", { name: "Create key" }).click();

    const shown = page.getByTestId("new-api-key");
    await poll(() => shown.isVisible()).toBe(true);
    const key = (await shown.textContent()) ?? "";
    expect(key).toMatch(/^ks_[A-Za-z0-9_-]{43}$/);
    expect(await page.getByText("you will not see it again").isVisible()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}settings-api-key-created.png` });
    await page.getByRole("button", { name: "Copy key" }).click();
    await poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(key);
    expect(await meStatus(key)).toBe(200);

    const listed = row("API keys", "ci-deploy");
    await poll(() => listed.count()).toBe(1);
    const preview = (await listed.locator("code").textContent()) ?? "";
    expect(preview).toMatch(/^ks_.{4}….{4}$/);
    expect(preview.endsWith(key.slice(-4))).toBe(true);
    expect(await listed.textContent()).toContain("Active");

    await page.getByRole("button", { name: "Done" }).click();
    expect(await page.locator("body").textContent()).not.toContain(key);
    await page.reload();
    await poll(() => listed.count()).toBe(1);
    expect(await page.locator("body").textContent()).not.toContain(key);

    await listed.getByRole("button", { name: "Revoke ci-deploy" }).click();
    await listed
      .getByRole("group", { name: /Revoke this key/ })
      .getByRole("button", { name: "Revoke", exact: true })
      .click();
    await poll(() => listed.textContent()).toContain("Revoked");
    expect(await listed.getByRole("button", { name: "Revoke ci-deploy" }).count()).toBe(0);
    expect(await meStatus(key)).toBe(401);
    await page.screenshot({ path: `${shots}settings-api-key-revoked.png` });
  });

  it("lists Ada as the Owner, whose role the last Owner cannot lose", async () => {
    await tab("Members").click();
    await poll(where).toBe("/settings?tab=members");
    const ada = row("Members", ADA);
    await poll(() => ada.count()).toBe(1);
    const role = ada.getByRole("combobox", { name: `Role of ${ADA}` });
    expect(await role.inputValue()).toBe("owner");
    expect(await role.isDisabled()).toBe(true);
    expect(await ada.getByRole("button", { name: `Remove ${ADA}` }).isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}settings-members.png` });
  });

  it("makes an invite link that a second person accepts, who then is a member", async () => {
    await page.getByLabel("Role", { exact: true }).selectOption("builder");
    await page.getByRole("button", { name: "Create invite link" }).click();
    const link = page.locator(".settings-secret code");
    await poll(() => link.count()).toBe(1);
    const url = (await link.textContent()) ?? "";
    expect(new URL(url).pathname).toBe("/invite");
    expect(new URL(url).hash.length).toBeGreaterThan(10);
    await page.getByRole("button", { name: "Copy link" }).click();
    await poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(url);

    const other = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const bo = await other.newPage();
    await bo.goto(url);
    await bo.getByLabel("Email").fill("bo@example.com");
    await bo.getByLabel("Your name").fill("Bo");
    await bo.getByLabel("Password").fill("another correct horse");
    await bo.getByRole("button", { name: "Join" }).click();
    await poll(
      async () =>
        (await bo.getByRole("heading", { name: "History" }).count()) +
        (await bo.getByRole("heading", { name: "You joined" }).count()),
    ).toBe(1);
    await other.close();

    await page.reload();
    const joined = row("Members", "bo@example.com");
    await poll(() => joined.count()).toBe(1);
    expect(await joined.getByRole("combobox", { name: "Role of bo@example.com" }).inputValue()).toBe("builder");
    await joined.getByRole("combobox", { name: "Role of bo@example.com" }).selectOption("admin");
    await poll(() => joined.getByRole("combobox", { name: "Role of bo@example.com" }).inputValue()).toBe("admin");
  });

  it("creates a project, its slug following its name", async () => {
    await tab("Projects").click();
    await poll(where).toBe("/settings?tab=projects");
    await page.getByLabel("Name", { exact: true }).fill("Support Desk");
    expect(await page.getByLabel("Slug").inputValue()).toBe("support-desk");
    await page.getByRole("button", { name: "Create project" }).click();
    const created = row("Projects", "support-desk");
    await poll(() => created.count()).toBe(1);
    expect(await created.textContent()).toContain("Support Desk");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}settings-projects.png` });
  });

  it("switches organization with the top bar's switcher (the keystroke_org cookie) and reads the data again", async () => {
    const created = await page.evaluate(
      `fetch("/api/organizations", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ slug: "initech", name: "Initech" }) }).then((r) => r.status)`,
    );
    expect(created).toBe(200);
    await page.reload();
    const switcher = page.getByRole("combobox", { name: "Organization" });
    await poll(() => switcher.locator("option").count()).toBe(2);
    await switcher.selectOption("initech");
    await poll(() => page.getByText("Initech · your role: Owner").isVisible()).toBe(true);
    expect((await context.cookies()).find((c) => c.name === "keystroke_org")?.value).toBe("initech");
    await poll(() => page.locator(".empty-state").textContent()).toContain("No projects yet");
    await switcher.selectOption("acme");
    await poll(() => row("Projects", "support-desk").count()).toBe(1);
  });

  it("approves the CLI's device code", async () => {
    const started = await fetch(`${server.url}/api/auth/device`, { method: "POST" });
    expect(started.status).toBe(200);
    const { deviceCode, userCode } = (await started.json()) as { deviceCode: string; userCode: string };
    const askToken = () =>
      fetch(`${server.url}/api/auth/device/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ deviceCode }),
      });
    expect((await askToken()).status).toBe(428);

    await page.goto(`${server.url}/device?code=${encodeURIComponent(userCode)}`);
    await poll(() => page.getByText(`Approve the CLI signing in with code ${userCode}`).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Approve" }).click();
    await poll(() => page.getByRole("heading", { name: "The CLI is signed in" }).isVisible()).toBe(true);
    const answer = await askToken();
    expect(answer.status).toBe(200);
    expect(await meStatus(((await answer.json()) as { token: string }).token)).toBe(200);
  });

  it("finds nothing serious on Settings and the sign-in page in the dark theme", async () => {
    const dark = await context.newPage();
    await dark.emulateMedia({ colorScheme: "dark" });
    const found: string[] = [];
    for (const name of ["members", "api-keys", "projects"]) {
      await dark.goto(`${server.url}/settings?tab=${name}`);
      await poll(() => dark.locator(".settings-table").count()).toBe(1);
      for (const v of await seriousViolations(dark)) found.push(`${name}: ${v}`);
      await dark.screenshot({ path: `${shots}settings-${name}-dark.png` });
    }
    const signedOut = await browser.newPage({ colorScheme: "dark" });
    await signedOut.goto(`${server.url}/sign-in`);
    await poll(() => signedOut.getByRole("heading", { name: "Sign in to Keystroke" }).isVisible()).toBe(true);
    for (const v of await seriousViolations(signedOut)) found.push(`sign-in: ${v}`);
    await signedOut.screenshot({ path: `${shots}sign-in-dark.png` });
    expect(found).toEqual([]);
    await signedOut.close();
    await dark.close();
  });

  it("signs out to the sign-in page; Settings then asks to sign in again", async () => {
    await page.goto(`${server.url}/settings`);
    await poll(() => page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Sign out" }).click();
    await poll(where).toBe("/sign-in");
    await poll(() => page.getByRole("heading", { name: "Sign in to Keystroke" }).isVisible()).toBe(true);
    await page.goto(`${server.url}/settings?tab=projects`);
    await poll(where).toBe("/sign-in?next=%2Fsettings%3Ftab%3Dprojects");
    await page.goto(`${server.url}/device?code=WXYZ-2345`);
    await poll(where).toBe("/sign-in?next=%2Fdevice%3Fcode%3DWXYZ-2345");
  });
});

describe("the first start of a team server without init", { timeout: 60_000 }, () => {
  let empty: RunningServer;
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = await mkdtemp(join(tmpdir(), "keystroke-setup-"));
    empty = await startServer({ dbPath: join(emptyDir, "keystroke.db"), port: 0, auth: {} });
  });
  afterAll(async () => {
    await empty?.close();
    if (emptyDir) await rm(emptyDir, { recursive: true, force: true });
  });

  it("creates the organization and its Owner from the setup link, then locks out after repeated wrong passwords", async () => {
    expect(empty.setupUrl).toMatch(/\/setup#.+/);
    const first = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const setup = await first.newPage();
    await setup.goto(empty.setupUrl ?? "");
    await setup.getByLabel("Organization name").fill("Globex Corp");
    expect(await setup.getByLabel("Organization slug").inputValue()).toBe("globex-corp");
    await setup.getByLabel("Your name").fill("Grace");
    await setup.getByLabel("Email").fill("grace@example.com");
    await setup.getByLabel("Password").fill(PASSWORD);
    expect(await seriousViolations(setup)).toEqual([]);
    await setup.screenshot({ path: `${shots}setup.png` });
    await setup.getByRole("button", { name: "Create organization" }).click();
    await poll(() => new URL(setup.url()).pathname).toBe("/");
    await poll(() => setup.getByRole("combobox", { name: "Organization" }).inputValue()).toBe("globex-corp");
    expect(await setup.getByRole("combobox", { name: "Organization" }).textContent()).toBe("Globex Corp");

    await setup.getByRole("button", { name: "Sign out" }).click();
    await poll(() => new URL(setup.url()).pathname).toBe("/sign-in");
    await setup.getByLabel("Email").fill("grace@example.com");
    await setup.getByLabel("Password").fill("not the password");
    const alert = setup.getByRole("alert");
    const signIn = setup.getByRole("button", { name: "Sign in" });
    // Five failures lock the email and the address: the sixth attempt is refused with 429.
    for (let attempt = 1; attempt <= 6; attempt++) {
      await signIn.click();
      await poll(async () => (await signIn.isEnabled()) && (await alert.count()) === 1).toBe(true);
    }
    await poll(() => alert.textContent()).toMatch(/Too many.*Try again in \d+/);
    await setup.screenshot({ path: `${shots}sign-in-rate-limited.png` });
    await first.close();
  });
});

describe("a server without sign-in", () => {
  let open: TestServer;
  beforeAll(async () => {
    open = await startTestServer();
  });
  afterAll(() => open?.close());

  it("shows History with no account UI, and says so on the sign-in page", async () => {
    const plain = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    plain.on("pageerror", (error) => {
      throw error;
    });
    await plain.goto(`${open.url}/`);
    await poll(() => plain.locator(".empty-state").textContent()).toContain("No runs yet");
    expect(await plain.getByRole("link", { name: "Settings" }).count()).toBe(0);
    expect(await plain.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    expect(await plain.getByRole("combobox", { name: "Organization" }).count()).toBe(0);
    expect(new URL(plain.url()).pathname).toBe("/");

    await plain.goto(`${open.url}/sign-in`);
    await poll(() => plain.getByRole("heading", { name: "No sign-in on this server" }).isVisible()).toBe(true);
    await plain.close();
  });
});
