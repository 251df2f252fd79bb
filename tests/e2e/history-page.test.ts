/**
 * The History page end to end: real Chromium (Debian's) against a real server holding runs
 * recorded by prompting the starter project's agents. Screenshots of the table and each tab land
 * in tests/e2e/screenshots/ (kept out of git).
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWebPageBuilt, launchChromium } from "./support/browser.js";
import {
  type HistoryFixture,
  LIVE_REPLY,
  REPORT_WORKFLOW,
  RUNNING_TEXT,
  SUBAGENT,
  SUBAGENT_TOOL,
  SUPPORT_AGENT,
  startHistoryFixture,
} from "./support/history-fixture.js";

const shots = fileURLToPath(new URL("./screenshots/", import.meta.url));

let fixture: HistoryFixture;
let browser: Browser;

beforeAll(async () => {
  assertWebPageBuilt();
  mkdirSync(shots, { recursive: true });
  fixture = await startHistoryFixture();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

async function open(path: string, colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme });
  page.on("pageerror", (error) => {
    throw error;
  });
  await page.goto(`${fixture.url}${path}`);
  return page;
}

/** Waits for a value on the page; generous, since CI shares two cores between many test files. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

const rows = (page: Page) => page.locator(".table-row:not(.skeleton)");
const panel = (page: Page) => page.locator("aside.panel");
/**
 * Waits two frames, so the virtualised conversation has re-measured a detail just opened before a
 * screenshot (a string, since the tests' type-check has no DOM types).
 */
const settled = (page: Page) =>
  page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
/** The collapsible tool call of the open run whose summary names `tool`. */
const toolCall = (page: Page, tool: string) =>
  panel(page).locator("details", { has: page.locator("summary", { hasText: tool }) });

describe("the History page", () => {
  it("lists the recorded runs, newest first, with their status", async () => {
    const page = await open("/");
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    await poll(() => rows(page).first().getAttribute("data-run-id")).toBe(fixture.runs.running);
    await poll(() => page.locator(".list-footer").textContent()).toContain(`${fixture.counts.total} runs`);
    expect(await rows(page).first().textContent()).toContain("Running");
    await page.screenshot({ path: `${shots}history-table.png` });
    await page.close();

    const dark = await open("/", "dark");
    await poll(() => rows(dark).count()).toBeGreaterThan(10);
    await dark.screenshot({ path: `${shots}history-table-dark.png` });
    await dark.goto(`${fixture.url}/runs/${fixture.runs.refund}`);
    const lookup = toolCall(dark, fixture.expect.okTool);
    await lookup.locator("summary").click();
    await poll(() => lookup.getByText(fixture.expect.okResultText).isVisible()).toBe(true);
    await settled(dark);
    await dark.screenshot({ path: `${shots}run-overview-dark.png` });
    await dark.close();
  });

  it("filters by status through the Status menu and keeps the filter in the URL", async () => {
    const page = await open("/");
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    await page.getByTestId("filter-status").click();
    await page.locator(".popover-panel label", { hasText: "Failed" }).click();
    await poll(() => page.url()).toContain("status=failed");
    await poll(() => rows(page).count()).toBe(fixture.counts.failed);
    const statuses = await rows(page).evaluateAll((els) => els.map((el) => el.getAttribute("data-status")));
    expect(new Set(statuses)).toEqual(new Set(["failed"]));
    expect(await page.getByRole("button", { name: "Failed", pressed: true }).count()).toBe(1);
    await page.screenshot({ path: `${shots}history-filtered-failed.png` });

    await page.reload();
    await poll(() => rows(page).count()).toBe(fixture.counts.failed);
    await page.close();
  });

  it("adds a column from the chooser and remembers it, and saves a view of the current filters", async () => {
    const page = await open("/");
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    await page.getByTestId("columns").click();
    await page.locator(".popover-panel label", { hasText: "Total cost" }).click();
    await poll(() => page.url()).toContain("totalCost");
    await poll(() => page.locator(".table-head").textContent()).toContain("Total cost");
    expect(await rows(page).first().textContent()).toContain("$");
    await page.goto(`${fixture.url}/`);
    await poll(() => page.locator(".table-head").textContent()).toContain("Total cost");

    await page.goto(`${fixture.url}/?kind=workflow`);
    await page.getByTestId("save-view").click();
    await page.getByPlaceholder("e.g. Failed support runs").fill("Workflows");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("button", { name: "All runs" }).click();
    await poll(() => page.url()).not.toContain("kind=");
    await page.getByRole("button", { name: "Workflows", exact: true }).click();
    await poll(() => page.url()).toContain("kind=workflow");
    await poll(async () => new Set(await rows(page).locator(".kind").allTextContents())).toEqual(new Set(["Workflow"]));
    await page.close();
  });

  it("searches the conversations", async () => {
    const page = await open("/");
    await page.getByLabel("Search conversations").fill(fixture.expect.searchWord);
    await poll(() => page.url()).toContain(`q=${fixture.expect.searchWord}`);
    await poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().getAttribute("data-run-id")).toBe(fixture.runs.refund);

    await page.getByLabel("Search conversations").fill("xylophone");
    await poll(() => page.getByText("No runs match these filters").count()).toBe(1);
    await page.getByRole("button", { name: "Clear filters" }).last().click();
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    await page.close();
  });

  it("opens a run: the conversation with its Thought and Tool calls, Metadata and Trace", async () => {
    const want = fixture.expect;
    const page = await open("/");
    await page.locator(`.table-row[data-run-id="${fixture.runs.refund}"] a.run-name`).click();
    await poll(() => page.url()).toContain(`/runs/${fixture.runs.refund}`);
    await poll(() => panel(page).locator("h2").textContent()).toBe(SUPPORT_AGENT);
    await poll(() => panel(page).getByText(want.userText, { exact: true }).count()).toBe(1);

    const thought = panel(page).getByText(want.thoughtText, { exact: true });
    expect(await thought.isVisible()).toBe(false);
    await panel(page).locator("summary", { hasText: "Thought" }).first().click();
    await poll(() => thought.isVisible()).toBe(true);
    const ok = toolCall(page, want.okTool);
    expect(await ok.locator("summary").textContent()).toContain("result");
    await ok.locator("summary").click();
    await poll(() => ok.getByText(want.okResultText).isVisible()).toBe(true);
    const failed = toolCall(page, want.failedTool);
    expect(await failed.locator("summary").textContent()).toContain("error");
    await failed.locator("summary").click();
    await poll(() => failed.getByText(want.failedToolError).first().isVisible()).toBe(true);
    await settled(page);
    await page.screenshot({ path: `${shots}run-overview.png` });

    await panel(page).getByRole("tab", { name: "Metadata" }).click();
    await poll(() => page.url()).toContain("tab=metadata");
    await poll(() => panel(page).locator(".meta-list").textContent()).toContain(fixture.runs.refund);
    const metadata = await panel(page).locator(".metadata").textContent();
    expect(metadata).toContain("CLI prompt");
    expect(metadata).toContain("keystroke agents prompt support");
    await page.screenshot({ path: `${shots}run-metadata.png` });

    await panel(page).getByRole("tab", { name: "Trace" }).click();
    await poll(() => panel(page).locator(".span-row").count()).toBe(want.spans);
    expect(await panel(page).locator(".span-row.error").count()).toBe(want.errorSpans);
    await panel(page)
      .locator(".span-row", { hasText: `execute_tool ${want.okTool}` })
      .click();
    await poll(() => panel(page).locator(".span-detail").textContent()).toContain("gen_ai.tool.name");
    await page.screenshot({ path: `${shots}run-trace.png` });

    await panel(page).getByRole("tab", { name: /Logs/ }).click();
    await poll(() => panel(page).locator(".log-row").count()).toBe(want.logs);
    await panel(page).getByLabel("Filter logs").fill(want.logFilter);
    await poll(() => panel(page).locator(".log-row").count()).toBe(want.logFilterMatches);

    await panel(page).getByRole("tab", { name: /Raw/ }).click();
    await poll(() => panel(page).locator(".raw").textContent()).toContain('"spans": [');
    await panel(page).getByRole("button", { name: "YAML" }).click();
    await poll(() => panel(page).locator(".raw").getAttribute("data-format")).toBe("yaml");
    await poll(() => panel(page).locator(".raw").textContent()).toContain("spans:");
    await page.screenshot({ path: `${shots}run-trace-raw-yaml.png` });
    await page.close();
  });

  it("follows a subagent call to the child run and back to its parent", async () => {
    const page = await open(`/runs/${fixture.runs.parent}`);
    await poll(() => panel(page).locator("h2").textContent()).toBe(SUPPORT_AGENT);
    await toolCall(page, SUBAGENT_TOOL).locator("summary").click();
    await poll(() => toolCall(page, SUBAGENT_TOOL).getByText("Result", { exact: true }).isVisible()).toBe(true);
    await settled(page);
    await page.screenshot({ path: `${shots}run-subagent-call.png` });
    await panel(page).getByRole("button", { name: "Open subagent run →" }).click();
    await poll(() => page.url()).toContain(`/runs/${fixture.runs.child}`);
    await poll(() => panel(page).locator("h2").textContent()).toBe(SUBAGENT);
    await panel(page).getByRole("button", { name: "its parent run →" }).click();
    await poll(() => page.url()).toContain(`/runs/${fixture.runs.parent}`);
    await poll(() => panel(page).locator("h2").textContent()).toBe(SUPPORT_AGENT);
    await page.close();
  });

  it("shows a workflow's input, steps and output", async () => {
    const page = await open(`/runs/${fixture.runs.workflow}`);
    await poll(() => panel(page).locator("h2").textContent()).toBe(REPORT_WORKFLOW);
    const text = () => panel(page).locator(".panel-body").textContent();
    await poll(text).toContain("Input");
    expect(await text()).toContain("fetch-orders");
    expect(await text()).toContain("s3://reports/2026-11-27.md");
    await page.screenshot({ path: `${shots}run-workflow.png` });
    await page.close();
  });

  it("shows a failed run's error", async () => {
    const page = await open(`/runs/${fixture.runs.failed}?status=failed`);
    await poll(() => panel(page).locator(".run-error").textContent()).toContain("simulated provider outage");
    await page.screenshot({ path: `${shots}run-failed.png` });
    await page.close();
  });

  it("moves between runs with the arrow keys and closes with Escape", async () => {
    const page = await open(`/runs/${fixture.runs.running}`);
    await poll(() => panel(page).getAttribute("data-run-id")).toBe(fixture.runs.running);
    await poll(() => rows(page).count()).toBeGreaterThan(3);
    await page.keyboard.press("ArrowDown");
    await poll(() => panel(page).getAttribute("data-run-id")).toBe(fixture.newestFirst[1]);
    await page.keyboard.press("ArrowUp");
    await poll(() => panel(page).getAttribute("data-run-id")).toBe(fixture.runs.running);
    await page.keyboard.press("Escape");
    await poll(() => panel(page).count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe("/");
    await page.close();
  });

  it("updates a running session live and announces new runs without moving the rows", async () => {
    const page = await open(`/runs/${fixture.runs.running}`);
    await poll(() => panel(page).getByText(RUNNING_TEXT).count()).toBe(1);
    await poll(() => rows(page).count()).toBeGreaterThan(3);
    await fixture.appendMessage(fixture.runs.running, LIVE_REPLY);
    await poll(() => panel(page).getByText(LIVE_REPLY).count()).toBe(1);
    await poll(() => panel(page).locator(".facts").textContent()).toContain("Messages2");

    const firstRow = await rows(page).first().getAttribute("data-run-id");
    const newRunId = await fixture.recordNewRun();
    await poll(() => page.locator(".new-runs").textContent()).toContain("1 new run");
    expect(await rows(page).first().getAttribute("data-run-id")).toBe(firstRow);
    await page.screenshot({ path: `${shots}history-live.png` });
    await page.locator(".new-runs").click();
    await poll(() => rows(page).first().getAttribute("data-run-id")).toBe(newRunId);

    await rows(page).first().locator("a.run-name").click();
    await poll(() => panel(page).getByText("No conversation recorded").count()).toBe(1);
    await page.close();
  });

  it("shows the API's error and hint for a bad filter in the URL", async () => {
    const page = await open("/?status=sideways");
    await poll(() => page.getByRole("alert").textContent()).toContain("Invalid filter status");
    await page.screenshot({ path: `${shots}history-error.png` });
    await page.close();
  });
});
