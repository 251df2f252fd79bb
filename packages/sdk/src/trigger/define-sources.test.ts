import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../agent/define-agent.js";
import { defineWorkflow } from "../workflow/define-workflow.js";
import { defineCronSource } from "./define-cron-source.js";
import { definePollSource } from "./define-poll-source.js";
import { defineWebhookSource } from "./define-webhook-source.js";

const report = defineWorkflow({
  slug: "report",
  name: "Report",
  description: "Reports",
  input: z.object({}),
  output: z.object({}),
  run: async () => ({}),
});
const support = defineAgent({
  slug: "support",
  name: "Support",
  description: "Helps",
  systemPrompt: "Help.",
  model: "demo/support",
});
const base = { slug: "nightly", name: "Nightly", description: "Every night" };

/** The `details.field` of the error `define` throws. */
function fieldOf(define: () => unknown): string | undefined {
  try {
    define();
  } catch (error) {
    return (error as { details?: { field?: string } }).details?.field;
  }
  return undefined;
}

describe("trigger sources", () => {
  it("attach to a workflow or an agent with the id source:target", () => {
    const nightly = defineCronSource({ ...base, schedule: "0 3 * * *", timezone: "Europe/Paris" });
    expect(nightly.attach({ workflow: report })).toMatchObject({ id: "nightly:report", overlap: "skip" });
    const tickets = defineWebhookSource({
      slug: "tickets",
      name: "Tickets",
      description: "New tickets",
      endpoint: "/tickets",
      request: z.object({ text: z.string() }),
    });
    const attached = tickets.attach({ agent: support, prompt: (t) => t.text, overlap: "queue" });
    expect(attached).toMatchObject({ id: "tickets:support", overlap: "queue" });
    expect(attached.prompt?.({ text: "Hi" })).toBe("Hi");
  });

  it("name the field of a bad definition", () => {
    expect(fieldOf(() => defineCronSource({ ...base, schedule: "every night" }))).toBe("schedule");
    expect(fieldOf(() => defineCronSource({ ...base, schedule: "5m" }))).toBe("schedule");
    expect(fieldOf(() => defineCronSource({ ...base, schedule: "0 3 * * *", timezone: "Mars/Base" }))).toBe("timezone");
    expect(fieldOf(() => defineCronSource({ ...base, slug: "Bad Slug", schedule: "0 3 * * *" }))).toBe("slug");
    const hook = { ...base, request: z.object({}) };
    expect(fieldOf(() => defineWebhookSource({ ...hook, endpoint: "orders" }))).toBe("endpoint");
    expect(fieldOf(() => defineWebhookSource({ ...hook, endpoint: "/Orders?x" }))).toBe("endpoint");
    expect(fieldOf(() => defineWebhookSource({ ...hook, endpoint: "/orders", secret: "short" }))).toBe("secret");
    expect(fieldOf(() => definePollSource({ ...base, schedule: "soon", run: () => [] }))).toBe("schedule");
    const cron = defineCronSource({ ...base, schedule: "0 3 * * *" });
    expect(fieldOf(() => cron.attach({ agent: support } as never))).toBe("prompt");
    expect(fieldOf(() => cron.attach({ workflow: report, overlap: "wait" } as never))).toBe("overlap");
    expect(fieldOf(() => cron.attach({ workflow: {} } as never))).toBe("workflow");
  });

  it("takes a duration or a cron expression for a poll", () => {
    expect(definePollSource({ ...base, schedule: "5m", run: () => [] }).schedule).toBe("5m");
    expect(definePollSource({ ...base, schedule: "*/10 * * * * *", run: () => [] }).schedule).toBe("*/10 * * * * *");
  });
});
