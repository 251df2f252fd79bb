/**
 * The History page when the network misbehaves, in real Chromium against a real server: a next
 * page cut short by a reload or failing outright, a live feed that drops and reconnects, run
 * refreshes answering out of order, a time filter the date inputs cannot show, an answer the page
 * cannot draw. Playwright's routing delays, cuts or fails single requests; the rest is the server.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { RunEventInput } from "@keystroke/core";
import { messageAdded, runCreated, runFinished, startTestServer, type TestServer } from "@keystroke/server/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWebPageBuilt, launchChromium } from "./support/browser.js";

/** More runs than the page's first page (100), so the list pages in as the reader scrolls. */
const OLDER_RUNS = 130;
const SEARCH_WORD = "refund";

let server: TestServer;
let browser: Browser;
/** The run still running at the top of the list, and how many runs the store holds. */
let running: string;
let total = 0;

async function record(at: number, ...events: RunEventInput[]): Promise<string> {
  const created = runCreated({ at });
  const reply = await server.ingest(created.runId, [created.event, ...events]);
  if (reply.status !== 200) throw new Error(`ingest failed: ${JSON.stringify(reply.body)}`);
  total += 1;
  return created.runId;
}

beforeAll(async () => {
  assertWebPageBuilt();
  server = await startTestServer();
  const now = Date.now();
  for (let i = 0; i < OLDER_RUNS; i++) {
    const at = now - (i + 1) * 60_000;
    const text = i === 7 ? `I want a ${SEARCH_WORD} for order A-${i}` : `Where is order A-${i}?`;
    await record(at, messageAdded(0, text, at), runFinished(i % 5 === 0 ? "failed" : "success", at + 1000));
  }
  running = await record(now, messageAdded(0, "My parcel has not arrived.", now));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path: string, before?: (page: Page) => Promise<unknown>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("pageerror", (error) => {
    throw error;
  });
  await before?.(page);
  await page.goto(`${server.url}${path}`);
  return page;
}

/** Waits for a value on the page; generous, since CI shares two cores between many test files. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
const rows = (page: Page) => page.locator(".table-row:not(.skeleton)");
const footer = (page: Page) => page.locator(".list-footer").textContent();
/** Scrolls the table to its end or its top (a string, since the tests' type-check has no DOM types). */
const scrollTo = (page: Page, end: "end" | "top") =>
  page.evaluate(`document.querySelector(".table-scroll").scrollTop = ${end === "end" ? 1e9 : 0}`);
/** Waits two frames, so what a reply changed has been rendered. */
const settled = (page: Page) =>
  page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
const isNextPage = (url: URL) => url.pathname === "/api/history" && url.searchParams.has("cursor");

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open(): void } {
  let settle = () => {};
  const opened = new Promise<void>((resolve) => {
    settle = resolve;
  });
  return { opened, open: () => settle() };
}

describe("the History page when the network misbehaves", () => {
  it("pages in again after a reload cut a next page short", async () => {
    const page = await open("/");
    await poll(() => footer(page)).toContain("more as you scroll");
    const release = gate();
    let requested = 0;
    await page.route(isNextPage, async (route) => {
      requested += 1;
      if (requested > 1) return route.continue();
      await release.opened;
      await route.abort().catch(() => undefined);
    });
    await scrollTo(page, "end");
    await poll(() => requested).toBe(1);

    await poll(() => page.locator(".live").count()).toBe(1);
    const newest = await record(Date.now());
    await page.locator(".new-runs").click();
    await scrollTo(page, "top");
    await poll(() => rows(page).first().getAttribute("data-run-id")).toBe(newest);
    await scrollTo(page, "end");
    await poll(() => footer(page)).toContain(`${total} runs`);
    expect(await footer(page)).not.toContain("more as you scroll");
    release.open();
    await page.close();
  });

  it("stops at a next page that fails, says so, and loads it on Retry", async () => {
    const page = await open("/");
    await poll(() => footer(page)).toContain("more as you scroll");
    let failures = 0;
    await page.route(isNextPage, (route) => {
      failures += 1;
      return route.fulfill({
        status: 503,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "unavailable", message: "The store is busy." } }),
      });
    });
    await scrollTo(page, "end");
    const more = page.locator(".table-more");
    await poll(() => more.textContent()).toContain("Couldn't load more");
    // Long enough for a retry loop to have sent many requests.
    await sleep(1000);
    expect(failures).toBe(1);

    await page.unroute(isNextPage);
    await more.getByRole("button", { name: "Retry" }).click();
    await poll(() => footer(page)).toContain(`${total} runs`);
    expect(await more.count()).toBe(0);
    await page.close();
  });

  it("applies a search while rows stream in, keeping what was typed", async () => {
    const page = await open("/");
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    let streaming = true;
    const stream = (async () => {
      for (let i = 1; streaming; i++) {
        await server.ingest(running, [messageAdded(i, `Still looking, update ${i}.`)]);
        await sleep(50);
      }
    })();
    const box = page.getByLabel("Search conversations");
    await box.fill(`${SEARCH_WORD} `);
    await poll(() => page.url()).toContain(`q=${SEARCH_WORD}`);
    streaming = false;
    await stream;
    await poll(() => rows(page).count()).toBe(1);
    await settled(page);
    expect(await box.inputValue()).toBe(`${SEARCH_WORD} `);
    await page.close();
  });

  it("reloads the list when the live feed reconnects, showing what changed while it was down", async () => {
    const release = gate();
    let connections = 0;
    const page = await open("/", (p) =>
      p.route(
        (url) => url.pathname === "/api/history/live",
        async (route) => {
          connections += 1;
          // The first connection opens and ends at once; the browser reconnects 100 ms later.
          if (connections === 1) {
            return route.fulfill({ status: 200, contentType: "text/event-stream", body: "retry: 100\n\n" });
          }
          await release.opened;
          return route.continue();
        },
      ),
    );
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    await poll(() => connections).toBe(2);
    const missed = await record(Date.now());
    release.open();
    await poll(() => rows(page).first().getAttribute("data-run-id")).toBe(missed);
    await page.close();
  });

  it("keeps a finished run finished when an older refresh answers last", async () => {
    const runId = await record(Date.now(), messageAdded(0, "Is my order on its way?"));
    const refreshes: string[] = [];
    const firstFetched = gate();
    const release = gate();
    const isRefresh = (url: URL) => url.pathname === `/api/history/${runId}` && !url.searchParams.has("messagesLimit");
    const page = await open(`/runs/${runId}`, (p) =>
      p.route(isRefresh, async (route) => {
        refreshes.push(route.request().url());
        if (refreshes.length > 1) return route.continue();
        const stale = await route.fetch();
        firstFetched.open();
        await release.opened;
        await route.fulfill({ response: stale });
      }),
    );
    const panel = page.locator("aside.panel");
    const facts = () => panel.locator(".facts").textContent();
    await poll(facts).toContain("Running");

    await server.ingest(runId, [messageAdded(1, "It ships today.")]);
    await firstFetched.opened;
    await server.ingest(runId, [runFinished("success")]);
    await poll(facts).toContain("Success");
    const staleArrived = page.waitForResponse((response) => response.url() === refreshes[0]);
    release.open();
    await staleArrived;
    await settled(page);
    expect(await facts()).toContain("Success");
    expect(refreshes.filter((url) => url.includes("steps"))).toEqual([]);
    await page.close();
  });

  it("shows relative and epoch time filters from the URL without breaking the page", async () => {
    const page = await open(`/?from=24h&to=${Date.now() + 60_000}`);
    await poll(() => rows(page).count()).toBeGreaterThan(10);
    await page.getByTestId("filter-time").click();
    const [from, to] = await page.locator('.popover-panel input[type="datetime-local"]').all();
    expect(await from?.inputValue()).toBe("");
    expect(await to?.inputValue()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    await page.close();
  });

  it("shows an error it cannot draw instead of a blank page", async () => {
    const firstPage = (url: URL) => url.pathname === "/api/history" && !url.searchParams.has("cursor");
    const page = await open("/", (p) =>
      p.route(firstPage, (route) =>
        route.fulfill({ contentType: "application/json", body: '{"runs":[{"runId":"run_broken"}],"nextCursor":null}' }),
      ),
    );
    const alert = page.getByRole("alert");
    await poll(() => alert.textContent()).toContain("Something went wrong");
    expect(await alert.getByRole("button", { name: "Try again" }).count()).toBe(1);
    await page.close();
  });
});
