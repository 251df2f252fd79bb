import { describe, expect, it } from "vitest";
import { defineConfig } from "./define-config.js";

const base = { organization: "acme", project: "chat" };

describe("defineConfig's gateways.slack", () => {
  it("accepts a gateway whose secrets come from the environment later", () => {
    const config = defineConfig({
      ...base,
      gateways: { slack: { agent: "helpdesk", signingSecret: undefined, listen: "all", channels: ["#support", "C1"] } },
    });
    expect(config.gateways?.slack?.agent).toBe("helpdesk");
  });

  it.each([
    [{ agent: "Help Desk" }, "gateways.slack.agent"],
    [{ agent: "helpdesk", apiUrl: "slack.com/api" }, "gateways.slack.apiUrl"],
    [{ agent: "helpdesk", listen: "everything" }, "gateways.slack.listen"],
    [{ agent: "helpdesk", channels: "#support" }, "gateways.slack.channels"],
    [{ agent: "helpdesk", botToken: 42 }, "gateways.slack.botToken"],
  ])("refuses %j, naming %s", (slack, field) => {
    expect(() => defineConfig({ ...base, gateways: { slack: slack as never } })).toThrow(
      expect.objectContaining({ code: "invalid_input", details: { field }, message: expect.stringContaining(field) }),
    );
  });
});
