/**
 * The web page against axe-core, end to end: real Chromium (Debian's) on a real server holding
 * agent and workflow runs and a project with triggers. Every page and state a reader reaches —
 * History, each filter menu opened, each tab of an agent run and of a workflow run, Triggers —
 * has no serious or critical violation, in the light theme and in the dark one. A failure lists
 * each violation's rule, impact, elements and help.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { startTriggerServer, type TriggerServer } from "@keystroke/cli/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWebPageBuilt, launchChromium } from "./support/browser.js";
import { type HistoryFixture, REPORT_WORKFLOW, SUPPORT_AGENT, startHistoryFixture } from "./support/history-fixture.js";

const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const shots = fileURLToPath(new URL("./screenshots/", import.meta.url));

let fixture: HistoryFixture;
let triggers: TriggerServer;
let browser: Browser;

beforeAll(async () => {
  assertWebPageBuilt();
  mkdirSync(shots, { recursive: true });
  [fixture, triggers, browser] = await Promise.all([startHistoryFixture(), startTriggerServer(), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await triggers?.close();
  await fixture?.close();
});

type Scheme = "light" | "dark";

async function open(url: string, colorScheme: Scheme): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(url);
  return page;
}

/** Waits for a value on the page; generous, since CI shares two cores between many test files. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000 });

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page as it is now and returns its serious and critical violations, one
 * line each (rule, impact, elements, help), so a failing assertion says what to fix.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof axe !== 'undefined'"))) await page.addScriptTag({ path: axeScript });
  await settled(page);
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  )) as Violation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 8)
          .map(
            (n) =>
              `${JSON.stringify(n.target)}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, " ")}]` : ""}`,
          )
          .join("; ")}${v.nodes.length > 8 ? ` (+${v.nodes.length - 8} more)` : ""}`,
    );
}

/** Waits two frames, so what was just opened has rendered and settled. */
const settled = (page: Page) =>
  page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");

const rows = (page: Page) => page.locator(".table-row:not(.skeleton)");
const panel = (page: Page) => page.locator("aside.panel");

/** The History menus: each filter chip, the column chooser and Save view (shown once a filter is set). */
const menus = [
  "filter-status",
  "filter-kind",
  "filter-project",
  "filter-trigger",
  "filter-actor",
  "filter-model",
  "filter-service",
  "filter-costMin",
  "filter-messagesMin",
  "filter-stepsMin",
  "filter-time",
  "columns",
  "save-view",
];

const tabs = ["Overview", "Metadata", "Trace"] as const;

describe.each(["light", "dark"] as const)("axe-core in the %s theme", { timeout: 120_000 }, (scheme) => {
  it("finds nothing serious on History", async () => {
    const page = await open(`${fixture.url}/`, scheme);
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}a11y-history-${scheme}.png` });
    await page.close();
  });

  it("finds nothing serious with each History menu open", async () => {
    const page = await open(`${fixture.url}/?kind=agent`, scheme);
    await poll(() => rows(page).count()).toBeGreaterThan(3);
    const found: string[] = [];
    for (const menu of menus) {
      await page.getByTestId(menu).click();
      await poll(() => page.locator(".popover-panel").count()).toBe(1);
      for (const v of await seriousViolations(page)) found.push(`${menu}: ${v}`);
      if (menu === "filter-status") await page.screenshot({ path: `${shots}a11y-status-menu-${scheme}.png` });
      await page.keyboard.press("Escape");
      await poll(() => page.locator(".popover-panel").count()).toBe(0);
    }
    expect(found).toEqual([]);
    await page.close();
  });

  it.each([
    ["an agent run", () => fixture.runs.refund, SUPPORT_AGENT],
    ["a workflow run", () => fixture.runs.workflow, REPORT_WORKFLOW],
  ])("finds nothing serious on each tab of %s", async (_, runId, name) => {
    const page = await open(`${fixture.url}/runs/${runId()}`, scheme);
    await poll(() => panel(page).locator("h2").textContent()).toBe(name);
    await poll(() => rows(page).count()).toBeGreaterThan(3);
    const found: string[] = [];
    for (const tab of tabs) {
      await panel(page).getByRole("tab", { name: tab }).click();
      await poll(() => panel(page).getByRole("tab", { name: tab }).getAttribute("aria-selected")).toBe("true");
      await poll(() => panel(page).locator(".loading").count()).toBe(0);
      for (const v of await seriousViolations(page)) found.push(`${tab}: ${v}`);
    }
    // The Trace tab's own views: the waterfall (checked above), the logs and the raw document.
    for (const view of ["Logs", "Raw"]) {
      await panel(page)
        .getByRole("tab", { name: new RegExp(`^${view}`) })
        .click();
      await poll(() =>
        panel(page)
          .getByRole("tabpanel", { name: new RegExp(`^${view}`) })
          .count(),
      ).toBe(1);
      for (const v of await seriousViolations(page)) found.push(`Trace, ${view}: ${v}`);
    }
    expect(found).toEqual([]);
    await page.close();
  });

  it("finds nothing serious on Triggers", async () => {
    const page = await open(`${triggers.url}/triggers`, scheme);
    await poll(() => page.locator(".trigger-card").count()).toBe(4);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});
