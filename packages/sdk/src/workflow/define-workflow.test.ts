import { KeystrokeError } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineWorkflow } from "./define-workflow.js";
import { sleepUntil } from "./duration.js";
import { backoffMs, resolveRetry } from "./retry-policy.js";

const base = {
  slug: "onboarding",
  name: "Onboarding",
  description: "Welcomes a customer",
  input: z.object({ email: z.string() }),
  output: z.object({ sent: z.boolean() }),
  run: async () => ({ sent: true }),
};

function fieldOf(change: Record<string, unknown>): unknown {
  try {
    defineWorkflow({ ...base, ...change } as typeof base);
  } catch (error) {
    expect(error).toBeInstanceOf(KeystrokeError);
    return ((error as KeystrokeError).details as { field?: string }).field;
  }
  throw new Error("defineWorkflow accepted it");
}

describe("defineWorkflow refuses, naming the field", () => {
  it.each([
    [{ slug: "On Boarding" }, "slug"],
    [{ input: { type: "object" } }, "input"],
    [{ output: undefined }, "output"],
    [{ run: "go" }, "run"],
    [{ concurrency: 0 }, "concurrency"],
    [{ retries: { attempts: 0 } }, "retries.attempts"],
    [{ retries: { attempts: 3, factor: 0.5 } }, "retries.factor"],
  ])("%j → %s", (change, field) => {
    expect(fieldOf(change)).toBe(field);
  });
});

describe("sleep durations", () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0);
  it.each([
    ["30s", 30_000],
    ["250ms", 250],
    ["1h30m", 5_400_000],
    ["2d", 172_800_000],
    [1500, 1500],
  ])("%j ends %d ms later", (duration, ms) => {
    expect(sleepUntil(duration, now)).toBe(now + ms);
  });

  it("takes a Date as the end", () => {
    expect(sleepUntil(new Date(now + 42), now)).toBe(now + 42);
  });

  it.each(["soon", "5 minutes", "-1s", "1h garbage", Number.NaN, -5])("refuses %j, naming the duration", (value) => {
    expect(() => sleepUntil(value as never, now)).toThrow(/is not a duration/);
  });
});

describe("retry backoff", () => {
  it("waits initialMs before the second attempt, then factor times longer, capped at maxMs", () => {
    const policy = resolveRetry({ attempts: 6, initialMs: 100, factor: 3, maxMs: 1000 });
    expect([2, 3, 4, 5, 6].map((next) => backoffMs(policy, next))).toEqual([100, 300, 900, 1000, 1000]);
  });

  it("reads a number as the attempts in all", () => {
    expect(resolveRetry(4).attempts).toBe(4);
    expect(resolveRetry(undefined).attempts).toBe(1);
  });
});
