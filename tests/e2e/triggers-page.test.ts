/**
 * The Triggers page, end to end: real Chromium (Debian's) against a real server hosting a project
 * with a cron, a webhook (two attachments) and a poll source whose helpdesk fails. The page lists
 * each attachment with its schedule or copyable webhook URL, last and next fire, last error and
 * collapsed deliveries; its switch turns an attachment off and on (the server agrees); the target
 * opens the attachment's runs in History. Screenshots land in tests/e2e/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startTriggerServer, type TriggerServer, waitForRun } from "@keystroke/cli/testing";
import { startTestServer, type TestServer } from "@keystroke/server/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWebPageBuilt, launchChromium } from "./support/browser.js";

const shots = fileURLToPath(new URL("./screenshots/", import.meta.url));

let server: TriggerServer;
let browser: Browser;
let orderRun: string;

beforeAll(async () => {
  assertWebPageBuilt();
  mkdirSync(shots, { recursive: true });
  server = await startTriggerServer();
  const { runIds } = await server.client.invokeTrigger("new-orders", {
    input: { orderId: "A-1001" },
    workflow: "fulfil-order",
  });
  orderRun = runIds[0] ?? "";
  await waitForRun(server.client, orderRun);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(url: string, colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 860 },
    colorScheme,
    permissions: ["clipboard-read", "clipboard-write"],
  });
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(url);
  return page;
}

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
const cards = (page: Page) =>
  page
    .getByRole("list")
    .filter({ has: page.locator(".trigger-card") })
    .getByRole("listitem");
const card = (page: Page, id: string) => page.getByRole("listitem", { name: id, exact: true });
const enabledOnServer = async (id: string) =>
  (await server.client.listTriggers()).triggers.find((t) => t.id === id)?.enabled;

describe("the Triggers page", () => {
  it("lists each attachment with its kind, schedule or URL, target, fire times, error and deliveries", async () => {
    for (const scheme of ["light", "dark"] as const) {
      const page = await open(`${server.url}/triggers`, scheme);
      await poll(() => cards(page).count()).toBe(4);
      expect(await page.getByRole("link", { name: "Triggers" }).getAttribute("aria-current")).toBe("page");

      const cron = card(page, "weekday-report:daily-report");
      expect(await cron.locator(".trigger-kind").textContent()).toBe("Cron");
      expect(await cron.getByRole("heading").textContent()).toBe("Weekday report");
      expect(await cron.textContent()).toContain("0 9 * * 1-5 Europe/Paris");
      expect(await cron.locator("dd").nth(2).textContent()).toBe("Never");
      expect(await cron.locator("dd").nth(3).textContent()).toMatch(/^in \d+ (min|h|d)$/);

      const orders = card(page, "new-orders:fulfil-order");
      expect(await orders.locator(".trigger-kind").textContent()).toBe("Webhook");
      expect(await orders.locator(".trigger-url code").textContent()).toBe(`${server.url}/api/triggers/orders`);
      expect(await orders.locator("dd").nth(2).textContent()).toMatch(/^(just now|\d+ s ago)$/);
      expect(await orders.locator("dd").nth(3).textContent()).toBe("On delivery");

      const tickets = card(page, "new-tickets:support");
      expect(await tickets.locator(".trigger-kind").textContent()).toBe("Poll");
      await poll(() => tickets.getByRole("note").textContent()).toContain("the helpdesk answered 503");

      const deliveries = orders.locator("details.trigger-deliveries");
      expect(await deliveries.locator("summary").textContent()).toBe("Recent deliveries (1)");
      expect(await deliveries.getByText("Started").isVisible()).toBe(false);
      await page.screenshot({ path: `${shots}triggers${scheme === "dark" ? "-dark" : ""}.png` });

      await deliveries.locator("summary").click();
      await poll(() => deliveries.getByText("Started").isVisible()).toBe(true);
      expect(await deliveries.getByRole("link").textContent()).toBe(orderRun);
      await page.screenshot({ path: `${shots}triggers-deliveries${scheme === "dark" ? "-dark" : ""}.png` });
      await page.close();
    }
  });

  it("copies a webhook's URL", async () => {
    const page = await open(`${server.url}/triggers`);
    const orders = card(page, "new-orders:support");
    await orders.getByRole("button", { name: "Copy URL" }).click();
    await poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(`${server.url}/api/triggers/orders`);
    await page.close();
  });

  it("turns an attachment off and on with its switch; the server reports each state", async () => {
    const page = await open(`${server.url}/triggers`);
    const id = "weekday-report:daily-report";
    const toggle = card(page, id).getByRole("switch", { name: "Weekday report → daily-report enabled" });
    await poll(() => toggle.getAttribute("aria-checked")).toBe("true");

    await toggle.click();
    await poll(() => toggle.getAttribute("aria-checked")).toBe("false");
    expect(await enabledOnServer(id)).toBe(false);
    expect(await card(page, id).locator("dd").nth(3).textContent()).toBe("—");
    await page.screenshot({ path: `${shots}triggers-disabled.png` });

    await page.reload();
    await poll(() => toggle.getAttribute("aria-checked")).toBe("false");
    await toggle.click();
    await poll(() => toggle.getAttribute("aria-checked")).toBe("true");
    expect(await enabledOnServer(id)).toBe(true);
    await poll(() => card(page, id).locator("dd").nth(3).textContent()).toMatch(/^in \d+/);
    await page.close();
  });

  it("opens the runs an attachment started in History from its target", async () => {
    const page = await open(`${server.url}/triggers`);
    await card(page, "new-orders:fulfil-order").getByRole("link", { name: "fulfil-order" }).click();
    await poll(() => new URL(page.url()).search).toBe("?actor=new-orders%3Afulfil-order");
    const rows = page.locator(".table-row:not(.skeleton)");
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute("data-run-id")).toBe(orderRun);
    expect(await page.getByRole("link", { name: "History" }).getAttribute("aria-current")).toBe("page");
    await page.screenshot({ path: `${shots}triggers-history.png` });

    await page.getByRole("link", { name: "Triggers" }).click();
    await poll(() => cards(page).count()).toBe(4);
    await page.close();
  });
});

describe("the Triggers page of a server without triggers", () => {
  let empty: TestServer;
  beforeAll(async () => {
    empty = await startTestServer();
  });
  afterAll(() => empty?.close());

  it("says it is loading, then that there are none and where to add one", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: "dark" });
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await page.route("**/api/trigger-sources", async (route) => {
      await answered;
      await route.continue();
    });
    await page.goto(`${empty.url}/triggers`);
    await poll(() => page.getByRole("status").textContent()).toBe("Loading triggers…");
    answer();
    await poll(() => page.locator(".empty-state").textContent()).toContain("No triggers in this project");
    expect(await page.locator(".empty-state").textContent()).toContain("src/triggers");
    await page.screenshot({ path: `${shots}triggers-empty-dark.png` });
    await page.close();
  });
});
