import { KeystrokeError } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "../action/define-action.js";
import { type AgentDefinition, defineAgent } from "./define-agent.js";

const base: AgentDefinition = {
  slug: "support",
  name: "Support",
  description: "Answers customers",
  systemPrompt: "Be brief.",
  model: "demo/support",
};

const lookup = defineAction({
  slug: "lookup",
  name: "Lookup",
  description: "Looks up",
  input: z.object({ id: z.string() }),
  output: z.object({ ok: z.boolean() }),
  run: () => ({ ok: true }),
});

function refusal(definition: Record<string, unknown>): KeystrokeError {
  try {
    defineAgent({ ...base, ...definition } as AgentDefinition);
  } catch (error) {
    expect(error).toBeInstanceOf(KeystrokeError);
    return error as KeystrokeError;
  }
  throw new Error("defineAgent accepted it");
}

describe("defineAgent refuses what cannot run, naming the field", () => {
  it.each([
    [{ slug: "Support Bot" }, "slug", /slug "Support Bot" is not valid/],
    [{ name: "" }, "name", /needs a name/],
    [{ description: undefined }, "description", /needs a description/],
    [{ model: "claude-sonnet" }, "model", /is not vendor\/model-id/],
    [{ model: "anthropic/" }, "model", /is not vendor\/model-id/],
    [{ tools: [{ slug: "x" }] }, "tools[0]", /tools\[0\] is neither an action nor an agent/],
    [{ tools: [lookup, lookup] }, "tools[1]", /has two tools named "lookup"/],
    [{ maxSteps: 0 }, "maxSteps", /maxSteps must be an integer from 1 to 1000/],
    [{ maxSteps: 2.5 }, "maxSteps", /maxSteps/],
  ])("%j → %s", (definition, field, message) => {
    const error = refusal(definition);
    expect(error.code).toBe("invalid_input");
    expect(error.message).toMatch(message);
    expect(error.details).toMatchObject({ field });
  });

  it("accepts actions and other agents as tools, with defaults for the rest", () => {
    const research = defineAgent({ ...base, slug: "research", name: "Research" });
    const agent = defineAgent({ ...base, tools: [lookup, research] });
    expect(agent.tools.map((t) => t.slug)).toEqual(["lookup", "research"]);
    expect(agent).toMatchObject({ thinkingLevel: "off", maxSteps: 10 });
  });
});
