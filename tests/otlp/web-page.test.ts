/**
 * A session that came in over OTLP on the web page, in real Chromium (Debian's): its row in
 * History, the conversation with the thought and the tool call, and the spans in the Trace tab —
 * as for a native run.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { generateText, stepCountIs, tool } from "ai";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { assertWebPageBuilt, launchChromium } from "../e2e/support/browser.js";
import { scriptedModel } from "./support/mock-model.js";
import { tracerProvider } from "./support/tracing.js";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  assertWebPageBuilt();
  server = await startTestServer();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it("shows an AI SDK session sent over OTLP like a native run", async () => {
  const provider = tracerProvider(server.url, { service: "storefront" });
  await generateText({
    model: scriptedModel([
      {
        reasoning: "Check the stock before promising anything.",
        toolCall: { id: "call-s1", name: "check_stock", input: { sku: "KB-87" } },
        input: 500,
        output: 30,
      },
      { text: "The KB-87 keyboard is in stock and ships today.", input: 600, output: 14 },
    ]),
    prompt: "Is the KB-87 keyboard in stock?",
    tools: {
      check_stock: tool({
        description: "Stock of a product",
        inputSchema: z.object({ sku: z.string() }),
        execute: async ({ sku }) => ({ sku, inStock: 12 }),
      }),
    },
    stopWhen: stepCountIs(3),
    experimental_telemetry: { isEnabled: true, functionId: "Stock Assistant", tracer: provider.getTracer("ai") },
  });
  await provider.forceFlush();
  await provider.shutdown();
  const runId = ((await server.get<{ runs: { runId: string }[] }>("/api/history")).body.runs[0] as { runId: string })
    .runId;

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("pageerror", (error) => {
    throw error;
  });
  const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
  await page.goto(`${server.url}/`);
  await poll(() => page.locator(`.table-row[data-run-id="${runId}"]`).textContent()).toContain("Stock Assistant");

  await page.goto(`${server.url}/runs/${runId}`);
  const panel = page.locator("aside.panel");
  await poll(() => panel.locator("h2").textContent()).toBe("Stock Assistant");
  await poll(() => panel.getByText("Is the KB-87 keyboard in stock?").count()).toBe(1);
  await poll(() => panel.getByText("The KB-87 keyboard is in stock and ships today.").count()).toBeGreaterThan(0);
  await panel.locator("summary", { hasText: "Thought" }).click();
  await poll(() => panel.getByText("Check the stock before promising anything.").isVisible()).toBe(true);
  await panel.locator("summary", { hasText: "check_stock" }).first().click();
  await poll(() => panel.getByText('"KB-87"').first().isVisible()).toBe(true);

  await panel.getByRole("tab", { name: "Trace" }).click();
  await poll(() => panel.locator(".span-row").count()).toBe(4);
  await panel.locator(".span-row", { hasText: "ai.toolCall" }).click();
  await poll(() => panel.locator(".span-detail").textContent()).toContain("ai.toolCall.name");
  await page.close();
});
