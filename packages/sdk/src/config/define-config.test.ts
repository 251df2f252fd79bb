import { KeystrokeError } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { defineConfig, type KeystrokeConfig } from "./define-config.js";

function refusal(config: Record<string, unknown>): KeystrokeError {
  try {
    defineConfig(config as unknown as KeystrokeConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(KeystrokeError);
    return error as KeystrokeError;
  }
  throw new Error("defineConfig accepted it");
}

describe("defineConfig refuses what a project cannot run with, naming the field", () => {
  it.each([
    [{ organization: "acme", project: "Support Desk" }, "project", /project "Support Desk" is not a slug/],
    [{ organization: "", project: "support" }, "organization", /organization "" is not a slug/],
    [
      { organization: "acme", project: "support", providers: { openai: { baseURL: "http://x" } } },
      "providers.openai",
      /provider name "openai" is not allowed/,
    ],
    [
      { organization: "acme", project: "support", providers: { local: { baseURL: "localhost:11434" } } },
      "providers.local.baseURL",
      /baseURL must be an http\(s\) URL/,
    ],
  ])("%j → %s", (config, field, message) => {
    const error = refusal(config);
    expect(error.message).toMatch(message);
    expect(error.details).toMatchObject({ field });
  });

  it("needs no organization for a local project (the team server's deploy uses it)", () => {
    expect(defineConfig({ project: "support" })).toEqual({ project: "support" });
  });

  it("returns a valid config as given", () => {
    const config = {
      organization: "acme",
      project: "support",
      providers: { local: { baseURL: "http://127.0.0.1:11434/v1" } },
    };
    expect(defineConfig(config)).toBe(config);
  });
});
