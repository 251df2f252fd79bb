/**
 * The History page by keyboard and as assistive technology sees it, end to end: real Chromium
 * (Debian's) against a real server holding recorded runs. The run table is a table with column
 * headers (the sorted one says so) and the whole list's row count and positions; the runs are one
 * stop in the Tab order, ↑/↓ move between them and Enter opens one, whose panel takes the focus
 * and gives it back to the row when Esc closes it; the run's tabs and the filter menus work from
 * the keyboard too.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWebPageBuilt, launchChromium } from "./support/browser.js";
import { type HistoryFixture, startHistoryFixture } from "./support/history-fixture.js";

const shots = fileURLToPath(new URL("./screenshots/", import.meta.url));

let fixture: HistoryFixture;
let browser: Browser;

beforeAll(async () => {
  assertWebPageBuilt();
  mkdirSync(shots, { recursive: true });
  [fixture, browser] = await Promise.all([startHistoryFixture(), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(`${fixture.url}${path}`);
  return page;
}

/** Waits for a value on the page; generous, since CI shares two cores between many test files. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000 });

const table = (page: Page) => page.getByRole("table", { name: "Runs" });
const rows = (page: Page) => page.locator(".table-row:not(.skeleton)");
const panel = (page: Page) => page.locator("aside.panel");
/** The run of the row holding the focus, if the focus is in a row. */
const focusedRow = (page: Page) =>
  page.evaluate("document.activeElement?.closest('tr[data-run-id]')?.getAttribute('data-run-id') ?? null");
const focusInPanel = (page: Page) => page.evaluate("document.activeElement?.closest('aside.panel') !== null");
const focusedText = (page: Page) => page.evaluate("document.activeElement?.textContent ?? null");

describe("the History page by keyboard", { timeout: 60_000 }, () => {
  it("exposes the runs as a table: sorted column, whole-list row count, each row's position", async () => {
    const page = await open("/");
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    // Every run fits in the first page, so the whole list is known: its runs and the header row.
    await poll(() => table(page).getAttribute("aria-rowcount")).toBe(String(fixture.counts.total + 1));
    const started = table(page).getByRole("columnheader", { name: "Start time" });
    expect(await started.getAttribute("aria-sort")).toBe("descending");
    expect(await table(page).getByRole("columnheader", { name: "Status" }).getAttribute("aria-sort")).toBeNull();
    expect(await rows(page).nth(2).getAttribute("aria-rowindex")).toBe("4");
    expect(await rows(page).nth(2).getAttribute("data-run-id")).toBe(fixture.newestFirst[2]);

    // What Chromium itself gives assistive technology, through the DevTools protocol.
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as {
      nodes: { role?: { value?: string }; name?: { value?: string } }[];
    };
    const roles = nodes.map((n) => n.role?.value);
    expect(nodes.some((n) => n.role?.value === "table" && n.name?.value === "Runs")).toBe(true);
    expect(roles.filter((r) => r === "columnheader").length).toBeGreaterThan(3);
    expect(roles.filter((r) => r === "row").length).toBeGreaterThan(10);
    expect(roles).toContain("cell");
    await page.close();
  });

  it("moves between rows with ↓, opens the third with Enter, and Esc gives the focus back to its row", async () => {
    const page = await open("/");
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    // Tab from the last filter reaches the table once, on its first row.
    await page.getByTestId("filter-time").focus();
    for (let i = 0; i < 10 && (await focusedRow(page)) === null; i++) await page.keyboard.press("Tab");
    expect(await focusedRow(page)).toBe(fixture.newestFirst[0]);
    expect(await table(page).locator('a[tabindex="0"]').count()).toBe(1);

    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await focusedRow(page)).toBe(fixture.newestFirst[2]);
    await page.screenshot({ path: `${shots}history-keyboard-row.png` });
    await page.keyboard.press("Enter");
    const third = fixture.newestFirst[2] ?? "";
    await poll(() => new URL(page.url()).pathname).toBe(`/runs/${third}`);
    await poll(() => panel(page).getAttribute("data-run-id")).toBe(third);
    await poll(() => focusInPanel(page)).toBe(true);
    expect(await panel(page).getAttribute("aria-labelledby")).toBeTruthy();
    await page.screenshot({ path: `${shots}history-keyboard-panel.png` });
    expect(await page.locator(`tr[data-run-id="${third}"]`).getAttribute("aria-current")).toBe("true");

    await page.keyboard.press("Escape");
    await poll(() => panel(page).count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe("/");
    await poll(() => focusedRow(page)).toBe(third);

    // And on from there: End, Home, and ↓ past the open panel's ↑/↓.
    await page.keyboard.press("End");
    await poll(() => focusedRow(page)).toBe(fixture.newestFirst.at(-1));
    await page.keyboard.press("Home");
    await poll(() => focusedRow(page)).toBe(fixture.newestFirst[0]);
    await page.close();
  });

  it("keeps ↑/↓ moving between runs while the panel has the focus, and its tabs follow ←/→", async () => {
    const page = await open(`/runs/${fixture.newestFirst[1]}`);
    await poll(() => panel(page).getAttribute("data-run-id")).toBe(fixture.newestFirst[1]);
    await poll(() => rows(page).count()).toBeGreaterThan(3);
    await poll(() => focusInPanel(page)).toBe(true);
    await page.keyboard.press("ArrowDown");
    await poll(() => panel(page).getAttribute("data-run-id")).toBe(fixture.newestFirst[2]);
    await poll(() => focusInPanel(page)).toBe(true);
    await page.keyboard.press("ArrowUp");
    await poll(() => panel(page).getAttribute("data-run-id")).toBe(fixture.newestFirst[1]);

    const tabs = panel(page).getByRole("tablist", { name: "Run details" });
    await tabs.getByRole("tab", { name: "Overview" }).focus();
    await page.keyboard.press("ArrowRight");
    await poll(() => page.url()).toContain("tab=metadata");
    expect(await focusedText(page)).toBe("Metadata");
    expect(await tabs.getByRole("tab", { name: "Metadata" }).getAttribute("tabindex")).toBe("0");
    expect(await tabs.getByRole("tab", { name: "Overview" }).getAttribute("tabindex")).toBe("-1");
    expect(await panel(page).getByRole("tabpanel", { name: "Metadata" }).count()).toBe(1);
    await page.keyboard.press("End");
    await poll(() => page.url()).toContain("tab=trace");
    expect(await focusedText(page)).toBe("Trace");
    await page.keyboard.press("ArrowRight");
    await poll(() => page.url()).not.toContain("tab=");
    expect(await focusedText(page)).toBe("Overview");
    await page.close();
  });

  it("moves the focus into a filter menu as it opens, and back to its button when Esc closes it", async () => {
    const page = await open("/");
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    const chip = page.getByTestId("filter-status");
    await chip.focus();
    await page.keyboard.press("Enter");
    const menu = page.getByRole("dialog", { name: "Status" });
    await poll(() => menu.count()).toBe(1);
    expect(await chip.getAttribute("aria-expanded")).toBe("true");
    expect(await page.evaluate("document.activeElement?.closest('[role=dialog]') !== null")).toBe(true);
    await page.keyboard.press("Space");
    await poll(() => page.url()).toContain("status=");
    await page.keyboard.press("Escape");
    await poll(() => menu.count()).toBe(0);
    expect(await page.evaluate("document.activeElement?.dataset.testid ?? null")).toBe("filter-status");
    await page.close();
  });
});
