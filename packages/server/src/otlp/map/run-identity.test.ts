import { projectSchema } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { projectKey } from "./run-identity.js";

describe("projectKey", () => {
  it("makes a slug of a name, and keeps an organization's project as <organization>/<project>", () => {
    expect(projectKey("Support Bot")).toBe("support-bot");
    expect(projectKey("acme/support")).toBe("acme/support");
    expect(projectKey("Acme/Support Bot/v2")).toBe("acme/support-bot-v2");
  });

  it("gives a run's project for any header, at most 200 characters", () => {
    const long = `${"a".repeat(150)}/${"b".repeat(150)}`;
    for (const header of ["/x", "a/", "a//b", "/", "ü/ö", " ", long, `${"c".repeat(250)}/d`]) {
      const key = projectKey(header);
      expect(projectSchema.safeParse(key).success, `${header} gives ${key}`).toBe(true);
    }
    expect(projectKey(long)).toBe(`${"a".repeat(150)}/${"b".repeat(49)}`);
  });
});
