import { describe, expect, it } from "vitest";
import { modelCost } from "./model-cost.js";

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: cacheRead,
  cacheWriteTokens: cacheWrite,
  reasoningTokens: 0,
});

describe("modelCost", () => {
  it("prices a call from the published per-token rates", () => {
    // Claude Sonnet 4.5 below 200k tokens: $3 per million input tokens, $15 per million output tokens.
    expect(modelCost("anthropic", "claude-sonnet-4-5", usage(100_000, 0))).toBeCloseTo(0.3, 6);
    expect(modelCost("anthropic", "claude-sonnet-4-5", usage(1000, 100_000))).toBeCloseTo(0.003 + 1.5, 6);
  });

  it("charges cache reads less than fresh input", () => {
    const fresh = modelCost("anthropic", "claude-sonnet-4-5", usage(100_000, 0)) ?? Number.NaN;
    const cached = modelCost("anthropic", "claude-sonnet-4-5", usage(100_000, 0, 90_000)) ?? Number.NaN;
    expect(cached).toBeLessThan(fresh);
  });

  it("accepts OpenTelemetry provider names and model ids without a provider", () => {
    expect(modelCost("openai", "gpt-4o-mini", usage(1000, 100))).toBeGreaterThan(0);
    expect(modelCost("gcp.gemini", "gemini-2.5-flash", usage(1000, 100))).toBeGreaterThan(0);
  });

  it("is undefined for a model without a known price, never a made-up zero", () => {
    expect(modelCost("demo", "keystroke-demo", usage(1000, 100))).toBeUndefined();
  });
});
