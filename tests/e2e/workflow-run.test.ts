/**
 * Workflow runs on the History page, end to end: real Chromium (Debian's) against a real server
 * holding workflow runs recorded through the ingest API. The table lists them as Workflow with
 * their step count; the panel shows the Input, the step timeline (status, attempts, collapsed
 * output, the link to a child agent run and back) and the Output or Error; a sleeping run counts
 * down to its wake-up, a run waiting on a hook shows its expiry (and resume URL when the server
 * gives one); Cancel cancels an active run live. Screenshots land in tests/e2e/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWebPageBuilt, launchChromium } from "./support/browser.js";
import {
  CHILD_AGENT,
  FAILED_ERROR,
  FAILED_STEP,
  FAILED_WORKFLOW,
  HOOK_STEP,
  HOOK_WORKFLOW,
  ORDER_OUTPUT_TEXT,
  ORDER_STEPS,
  ORDER_WORKFLOW,
  SLEEP_STEP,
  SLEEPING_WORKFLOW,
  startWorkflowFixture,
  VALIDATE_OUTPUT_TEXT,
  type WorkflowFixture,
} from "./support/workflow-fixture.js";

const shots = fileURLToPath(new URL("./screenshots/", import.meta.url));

let fixture: WorkflowFixture;
let browser: Browser;

beforeAll(async () => {
  assertWebPageBuilt();
  mkdirSync(shots, { recursive: true });
  fixture = await startWorkflowFixture();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

async function open(path: string, colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 860 },
    colorScheme,
    permissions: ["clipboard-read", "clipboard-write"],
  });
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
const title = (page: Page) => panel(page).locator("h2");
/** The status badge in the panel header. */
const headerStatus = (page: Page) => panel(page).locator(".panel-title .status");
/** The timeline's steps, as list items of the ordered list under "Steps". */
const timeline = (page: Page) =>
  panel(page)
    .getByRole("list")
    .filter({ has: page.locator(".step-item") });
const stepItem = (page: Page, name: string) =>
  timeline(page)
    .getByRole("listitem")
    .filter({ has: page.locator(".step-name", { hasText: name }) });
/** Waits two frames, so the virtualised overview has re-measured a detail just opened. */
const settled = (page: Page) =>
  page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
/** The "in N s" of a countdown, as a number. */
const seconds = (text: string | null) => Number(/in (\d+) s/.exec(text ?? "")?.[1] ?? Number.NaN);

describe("workflow runs on the History page", () => {
  it("lists workflow runs as Workflow with their step count", async () => {
    const page = await open("/?kind=workflow&cols=name,kind,startedAt,status,trigger,durationMs,stepCount");
    await poll(() => rows(page).count()).toBe(4);
    const order = page.locator(`.table-row[data-run-id="${fixture.runs.order}"]`);
    await poll(() => order.locator(".kind").textContent()).toBe("Workflow");
    // validate-order, charge-card (twice tried, one step), write-confirmation, send-email.
    const cells = await order.locator(".num").allTextContents();
    expect(cells.at(-1)).toBe(String(ORDER_STEPS.length));
    expect(await page.locator(`.table-row[data-run-id="${fixture.runs.sleeping}"]`).textContent()).toContain(
      "Sleeping",
    );
    expect(await page.locator(`.table-row[data-run-id="${fixture.runs.hook}"]`).textContent()).toContain(
      "Waiting on hook",
    );
    await page.screenshot({ path: `${shots}workflow-table.png` });
    await page.close();
  });

  it("shows a finished workflow's input, step timeline and output; a step's output expands on click", async () => {
    for (const scheme of ["light", "dark"] as const) {
      const page = await open(`/runs/${fixture.runs.order}`, scheme);
      await poll(() => title(page).textContent()).toBe(ORDER_WORKFLOW);
      await poll(() => timeline(page).getByRole("listitem").count()).toBe(ORDER_STEPS.length);
      const input = panel(page).getByRole("region", { name: "Input", exact: true });
      expect(await input.textContent()).toContain('"orderId": "A-1001"');

      const names = await timeline(page).locator(".step-name").allTextContents();
      expect(names).toEqual(ORDER_STEPS.map((s) => s.name));
      for (const want of ORDER_STEPS) {
        const item = stepItem(page, want.name);
        expect(await item.locator(".step-kind").textContent()).toBe(want.kind);
        expect(await item.locator(".status").textContent()).toBe(want.status);
        expect(await item.locator(".step-attempts").allTextContents()).toEqual(
          "attempts" in want ? [want.attempts] : [],
        );
        expect(await item.locator(".step-duration").textContent()).toBe(want.duration);
      }

      await stepItem(page, "send-email").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${shots}workflow-steps${scheme === "dark" ? "-dark" : ""}.png` });

      const validate = stepItem(page, "validate-order");
      const output = validate.getByText(VALIDATE_OUTPUT_TEXT);
      expect(await output.isVisible()).toBe(false);
      await validate.locator("summary", { hasText: "Output" }).click();
      await poll(() => output.isVisible()).toBe(true);

      const outputSection = panel(page).getByRole("region", { name: "Output", exact: true });
      await poll(() => outputSection.textContent()).toContain(ORDER_OUTPUT_TEXT);
      await settled(page);
      await page.screenshot({ path: `${shots}workflow-overview${scheme === "dark" ? "-dark" : ""}.png` });

      if (scheme === "light") {
        await panel(page).getByRole("tab", { name: "Metadata" }).click();
        const metadata = panel(page).locator(".metadata");
        await poll(() => metadata.textContent()).toContain("Queue time");
        expect(await metadata.textContent()).toContain("Webhook (trigger)");
        expect(await metadata.textContent()).toContain('"event": "orders/create"');
        await page.screenshot({ path: `${shots}workflow-metadata.png` });
      }
      await page.close();
    }
  });

  it("follows an agent step to the child agent run and back to the workflow", async () => {
    const page = await open(`/runs/${fixture.runs.order}`);
    await poll(() => title(page).textContent()).toBe(ORDER_WORKFLOW);
    await stepItem(page, "write-confirmation").getByRole("button", { name: "Open agent run →" }).click();
    await poll(() => page.url()).toContain(`/runs/${fixture.runs.child}`);
    await poll(() => title(page).textContent()).toBe(CHILD_AGENT);
    await poll(() => panel(page).getByText("Your order A-1001 is on its way.").count()).toBe(1);
    await panel(page).getByRole("button", { name: "its parent run →" }).click();
    await poll(() => page.url()).toContain(`/runs/${fixture.runs.order}`);
    await poll(() => title(page).textContent()).toBe(ORDER_WORKFLOW);
    await page.close();
  });

  it("shows when a sleeping run wakes, counts down, and follows it live when it wakes", async () => {
    const page = await open(`/runs/${fixture.runs.sleeping}`);
    await poll(() => title(page).textContent()).toBe(SLEEPING_WORKFLOW);
    const notice = panel(page).getByRole("region", { name: "Sleeping" });
    await poll(() => notice.locator("time").getAttribute("datetime")).toBe(fixture.sleepUntil);
    expect(await notice.textContent()).toMatch(/Wakes .+\(in (1|2) h\)/);
    expect(await notice.textContent()).toContain(`In step ${SLEEP_STEP}`);
    expect(await stepItem(page, SLEEP_STEP).locator(".status").textContent()).toBe("Sleeping");
    expect(await headerStatus(page).textContent()).toBe("Sleeping");
    await page.screenshot({ path: `${shots}workflow-sleeping.png` });

    const soon = await fixture.recordSleepingRun(Date.now() + 45_000);
    await page.goto(`${fixture.url}/runs/${soon}`);
    const countdown = panel(page).getByRole("region", { name: "Sleeping" });
    await poll(async () => seconds(await countdown.textContent())).toBeGreaterThan(0);
    const first = seconds(await countdown.textContent());
    await poll(async () => seconds(await countdown.textContent())).toBeLessThan(first);

    await fixture.wake(soon);
    await poll(() => headerStatus(page).textContent()).toBe("Running");
    await poll(() => countdown.count()).toBe(0);
    await poll(() => stepItem(page, SLEEP_STEP).locator(".status").textContent()).toBe("Success");
    await page.close();
  });

  it("shows a run waiting on a hook: when the hook expires, and its resume URL with a copy button", async () => {
    for (const scheme of ["light", "dark"] as const) {
      const page = await open(`/runs/${fixture.runs.hook}`, scheme);
      await poll(() => title(page).textContent()).toBe(HOOK_WORKFLOW);
      const notice = panel(page).getByRole("region", { name: "Waiting on hook" });
      await poll(() => notice.locator("time").getAttribute("datetime")).toBe(fixture.hookExpiresAt);
      expect(await notice.textContent()).toMatch(/Expires .+\(in 1 d\)/);
      expect(await notice.textContent()).toContain(`In step ${HOOK_STEP}`);
      expect(await stepItem(page, HOOK_STEP).locator(".status").textContent()).toBe("Waiting on hook");
      expect(await notice.locator("code").textContent()).toBe(fixture.resumeUrl);
      const copy = notice.getByRole("button", { name: "Copy resume URL" });
      await copy.click();
      await poll(() => copy.textContent()).toBe("Copied");
      expect(await page.evaluate("navigator.clipboard.readText()")).toBe(fixture.resumeUrl);
      await page.screenshot({ path: `${shots}workflow-waiting-hook${scheme === "dark" ? "-dark" : ""}.png` });
      await page.close();
    }

    const never = await open(`/runs/${await fixture.recordHookRun()}`);
    await poll(() => panel(never).getByRole("region", { name: "Waiting on hook" }).textContent()).toContain(
      "No expiry",
    );
    await never.close();
  });

  it("shows a failed workflow's failed step and its error", async () => {
    const page = await open(`/runs/${fixture.runs.failed}`);
    await poll(() => title(page).textContent()).toBe(FAILED_WORKFLOW);
    const failed = stepItem(page, FAILED_STEP);
    await poll(() => failed.locator(".status").textContent()).toBe("Failed");
    expect(await failed.locator("summary").textContent()).toContain(FAILED_ERROR);
    await failed.locator("summary").click();
    await poll(() => failed.locator(".error-payload").textContent()).toContain("ValidationError");
    await poll(() => panel(page).locator(".run-error").textContent()).toContain(FAILED_ERROR);
    expect(await panel(page).getByRole("button", { name: "Cancel run" }).count()).toBe(0);
    await settled(page);
    await page.screenshot({ path: `${shots}workflow-failed.png` });
    await page.close();
  });

  it("cancels a sleeping run from the panel; its status turns Canceled live, in the panel and the table", async () => {
    const page = await open(`/runs/${fixture.runs.sleeping}`);
    await poll(() => headerStatus(page).textContent()).toBe("Sleeping");
    const row = page.locator(`.table-row[data-run-id="${fixture.runs.sleeping}"]`);
    await poll(() => row.locator(".status").textContent()).toBe("Sleeping");

    await panel(page).getByRole("button", { name: "Cancel run" }).click();
    await panel(page).getByRole("button", { name: "Keep running" }).click();
    expect(await headerStatus(page).textContent()).toBe("Sleeping");
    await panel(page).getByRole("button", { name: "Cancel run" }).click();
    await page.screenshot({ path: `${shots}workflow-cancel-confirm.png` });
    await panel(page).getByRole("button", { name: "Yes, cancel" }).click();

    await poll(() => headerStatus(page).textContent()).toBe("Canceled");
    await poll(() => panel(page).getByRole("status").textContent()).toBe("Run canceled");
    await poll(() => panel(page).getByRole("region", { name: "Sleeping" }).count()).toBe(0);
    // The sleep never completed: its step reads Canceled, not Running.
    await poll(() => stepItem(page, SLEEP_STEP).locator(".status").textContent()).toBe("Canceled");
    expect(await panel(page).getByRole("button", { name: "Cancel run" }).count()).toBe(0);
    await poll(() => row.locator(".status").textContent()).toBe("Canceled");
    await page.screenshot({ path: `${shots}workflow-canceled.png` });
    await page.close();
  });

  it("shows the server's error when a cancel is refused", async () => {
    const page = await open(`/runs/${fixture.runs.hook}`);
    await poll(() => headerStatus(page).textContent()).toBe("Waiting on hook");
    await page.route("**/api/runs/*/cancel", (route) =>
      route.fulfill({
        status: 409,
        contentType: "application/json",
        body: JSON.stringify({
          error: {
            message: "Run already finished: Success",
            hint: "Only queued, running, sleeping or waiting runs can be canceled",
          },
        }),
      }),
    );
    await panel(page).getByRole("button", { name: "Cancel run" }).click();
    await panel(page).getByRole("button", { name: "Yes, cancel" }).click();
    const alert = panel(page).getByRole("alert");
    await poll(() => alert.textContent()).toContain("Could not cancel: Run already finished: Success");
    expect(await alert.textContent()).toContain("Only queued, running, sleeping or waiting runs can be canceled");
    await page.screenshot({ path: `${shots}workflow-cancel-refused.png` });
    await alert.getByRole("button", { name: "Dismiss" }).click();
    await poll(() => alert.count()).toBe(0);
    expect(await headerStatus(page).textContent()).toBe("Waiting on hook");
    await page.close();
  });
});
