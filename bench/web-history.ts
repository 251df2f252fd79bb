/**
 * The History page in Chromium (Debian's, headless), against a real server: first rows painted
 * after navigating to History over the cached million-run store, a filter change until its rows
 * are shown, and opening a run of 10,000 messages / 100,000 spans — first content, then the
 * longest main-thread task while scrolling its conversation and its span waterfall. Each figure
 * is printed beside the same measurement on a small store or run, and beside its target.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "@keystroke/server";
import { openSqliteStore } from "@keystroke/store";
import { type Browser, chromium, type Page } from "playwright-core";
import { seedRun } from "./big-run.js";
import { millionRunStore } from "./history-queries.js";
import { heading, ms, percentile, progress, progressDone, table } from "./report.js";

const webDist = fileURLToPath(new URL("../packages/web/dist/index.html", import.meta.url));

/** Installed in every page: when the first element matching a selector was painted, and long tasks. */
const probe = `
  window.__painted = {};
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: "longtask", buffered: true });
  const watch = { rows: ".table-row:not(.skeleton)", message: ".message", span: ".span-row" };
  new MutationObserver(() => {
    for (const [name, selector] of Object.entries(watch)) {
      if (window.__painted[name] === undefined && document.querySelector(selector)) {
        window.__painted[name] = -1;
        requestAnimationFrame(() => setTimeout(() => { window.__painted[name] = performance.now(); }, 0));
      }
    }
  }).observe(document, { subtree: true, childList: true });
`;

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(probe);
  return context.newPage();
}

/** Milliseconds from navigation start until `name` was painted, on a fresh (cold-cache) page. */
async function paintedAfterNavigation(browser: Browser, url: string, name: string): Promise<number> {
  const page = await newPage(browser);
  await page.goto(url);
  const painted = `window.__painted[${JSON.stringify(name)}]`;
  await page.waitForFunction(`(${painted} ?? -1) > 0`, undefined, { timeout: 30_000 });
  const at = (await page.evaluate(painted)) as number;
  await page.context().close();
  return at;
}

/** Clicks a filter option; resolves with the time until the list has reloaded and been painted. */
async function filterChange(page: Page, option: string): Promise<number> {
  return (await page.evaluate(`(async (label) => {
    const body = () => document.querySelector(".table-body");
    const input = [...document.querySelectorAll(".popover-panel label")]
      .find((l) => l.textContent.trim() === label)
      ?.querySelector("input");
    if (!input) throw new Error("no filter option " + label);
    const start = performance.now();
    input.click();
    await new Promise((resolve) => {
      let sawStale = false;
      const observer = new MutationObserver(() => {
        const stale = body()?.classList.contains("stale") ?? false;
        if (stale) sawStale = true;
        if (sawStale && !stale) {
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(resolve, 0));
        }
      });
      observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["class"] });
    });
    return performance.now() - start;
  })(${JSON.stringify(option)})`)) as number;
}

async function longestTaskWhile(page: Page, action: () => Promise<void>): Promise<{ max: number; count: number }> {
  await page.evaluate("window.__longTasks = []");
  await action();
  await page.waitForTimeout(300);
  const tasks = (await page.evaluate("window.__longTasks")) as number[];
  return { max: tasks.length === 0 ? 0 : Math.max(...tasks), count: tasks.length };
}

/** Jumps a scroller to its end `steps` times, pausing between, so each jump pages more in. */
async function scrollDown(page: Page, selector: string, steps: number, pauseMs: number): Promise<void> {
  const jump = `(() => { const el = document.querySelector(${JSON.stringify(selector)}); if (el) el.scrollTop = el.scrollHeight; })()`;
  for (let i = 0; i < steps; i++) {
    await page.evaluate(jump);
    await page.waitForTimeout(pauseMs);
  }
}

const median = (samples: number[]) => percentile(samples, 50);
const times = async (n: number, fn: () => Promise<number>) => {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) samples.push(await fn());
  return samples;
};

async function benchHistoryPage(browser: Browser, rows: string[][]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-web-"));
  const small = await startServer({ dbPath: join(dir, "small.db"), port: 0 });
  const { path, runs } = await millionRunStore();
  const big = await startServer({ dbPath: path, port: 0 });
  try {
    for (let i = 0; i < 100; i++) {
      await small.server.inject({
        method: "POST",
        url: "/api/ingest",
        payload: {
          events: [
            {
              eventId: `e${i}`,
              type: "run.created",
              time: new Date(Date.now() - i * 60_000).toISOString(),
              kind: "agent",
              slug: "support",
              name: "Support agent",
              project: "demo",
              source: "cli",
              trigger: { label: "CLI prompt" },
              actor: { type: "user", id: "ada" },
              status: i % 5 === 0 ? "queued" : "running",
            },
          ],
          runId: `run_01JDEM${String(i).padStart(20, "0")}`,
        },
      });
    }
    progress("History: first rows");
    const smallFirst = await times(5, () => paintedAfterNavigation(browser, `${small.url}/`, "rows"));
    const bigFirst = await times(5, () => paintedAfterNavigation(browser, `${big.url}/`, "rows"));
    const apiFirst = await times(10, async () => {
      const start = performance.now();
      await (await fetch(`${big.url}/api/history?limit=100`)).json();
      return performance.now() - start;
    });

    progress("History: filter changes");
    const page = await newPage(browser);
    await page.goto(`${big.url}/`);
    await page.waitForSelector(".table-row:not(.skeleton)");
    const filterSamples: number[] = [];
    for (const [chip, options] of [
      ["filter-status", ["Failed", "Failed", "Running", "Running", "Canceled", "Canceled"]],
      ["filter-kind", ["Workflow", "Workflow", "Agent", "Agent"]],
    ] as const) {
      await page.getByTestId(chip).click();
      for (const option of options) filterSamples.push(await filterChange(page, option));
      await page.keyboard.press("Escape");
    }
    await page.context().close();
    progressDone();
    const count = runs.toLocaleString("en-US");
    rows.push(
      [
        "History, first rows painted after navigation: 100 runs (baseline)",
        ms(median(smallFirst)),
        ms(Math.max(...smallFirst)),
        "",
      ],
      [
        `History, first rows painted after navigation: ${count} runs`,
        ms(median(bigFirst)),
        ms(Math.max(...bigFirst)),
        "≤ 1 s",
      ],
      [
        `  of which GET /api/history?limit=100 from Node (${count} runs)`,
        ms(median(apiFirst)),
        ms(Math.max(...apiFirst)),
        "",
      ],
      [
        `Filter change → rows shown, ${filterSamples.length} changes (${count} runs)`,
        ms(median(filterSamples)),
        ms(Math.max(...filterSamples)),
        "≤ 300 ms",
      ],
    );
  } finally {
    await small.close();
    await big.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchBigRunPage(browser: Browser, rows: string[][]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-web-"));
  const dbPath = join(dir, "big.db");
  const seeding = openSqliteStore(dbPath);
  const smallRun = await seedRun(seeding, 10, 100);
  const bigRun = await seedRun(seeding, 10_000, 100_000);
  await seeding.close();
  const server = await startServer({ dbPath, port: 0 });
  try {
    progress("Big run: first content");
    const smallOpen = await times(3, () =>
      paintedAfterNavigation(browser, `${server.url}/runs/${smallRun}`, "message"),
    );
    const bigOpen = await times(3, () => paintedAfterNavigation(browser, `${server.url}/runs/${bigRun}`, "message"));
    const smallTrace = await times(3, () =>
      paintedAfterNavigation(browser, `${server.url}/runs/${smallRun}?tab=trace`, "span"),
    );
    const bigTrace = await times(3, () =>
      paintedAfterNavigation(browser, `${server.url}/runs/${bigRun}?tab=trace`, "span"),
    );

    progress("Big run: scrolling the conversation");
    const page = await newPage(browser);
    await page.goto(`${server.url}/runs/${bigRun}`);
    await page.waitForSelector(".message");
    const conversation = await longestTaskWhile(page, () => scrollDown(page, ".panel-body", 60, 120));
    const messages = (await page.evaluate(`document.querySelectorAll(".message").length`)) as number;

    progress("Big run: scrolling the span waterfall");
    await page.goto(`${server.url}/runs/${bigRun}?tab=trace`);
    await page.waitForSelector(".span-row");
    const waterfall = await longestTaskWhile(page, () => scrollDown(page, ".waterfall", 120, 120));
    const spansShown = await page.locator(".trace-tools .num").first().textContent();
    await page.context().close();
    progressDone();
    rows.push(
      ["Run, first message painted: 10 messages (baseline)", ms(median(smallOpen)), ms(Math.max(...smallOpen)), ""],
      ["Run, first message painted: 10,000 messages", ms(median(bigOpen)), ms(Math.max(...bigOpen)), "≤ 1.5 s"],
      ["Trace, first span painted: 100 spans (baseline)", ms(median(smallTrace)), ms(Math.max(...smallTrace)), ""],
      ["Trace, first span painted: 100,000 spans", ms(median(bigTrace)), ms(Math.max(...bigTrace)), "≤ 1.5 s"],
      [
        `Longest task scrolling the conversation (${conversation.count} tasks > 50 ms; ${messages} messages in the DOM at the end)`,
        ms(conversation.max),
        "",
        "≤ 200 ms",
      ],
      [
        `Longest task scrolling the waterfall (${waterfall.count} tasks > 50 ms; ${spansShown?.trim()})`,
        ms(waterfall.max),
        "",
        "≤ 200 ms",
      ],
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchWebHistory(): Promise<void> {
  heading("The History page in Chromium: first paint, filter changes, a 10,000-message / 100,000-span run");
  if (!existsSync(webDist)) throw new Error("The web page is not built: run `npm run build` first");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  const rows: string[][] = [["measure", "median", "max", "target"]];
  try {
    await benchHistoryPage(browser, rows);
    await benchBigRunPage(browser, rows);
  } finally {
    await browser.close();
  }
  table(rows);
}
