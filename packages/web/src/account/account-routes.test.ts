import { describe, expect, it } from "vitest";
import { needsSession, safeNext, signInHref } from "./account-routes";

describe("the next URL after signing in", () => {
  it("follows paths of this site with their query and fragment", () => {
    expect(safeNext("/runs/run_1?tab=trace")).toBe("/runs/run_1?tab=trace");
    expect(safeNext("/device?code=ABCD-EFGH")).toBe("/device?code=ABCD-EFGH");
    expect(safeNext("/settings#keys")).toBe("/settings#keys");
    expect(safeNext("/")).toBe("/");
  });

  it("never leaves the site", () => {
    for (const next of [
      "//evil.example/",
      "///evil.example",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      "/\tevil",
      "/\n/evil.example",
      "",
      null,
      undefined,
    ]) {
      expect(safeNext(next)).toBe("/");
    }
  });

  it("does not come back to the sign-in page itself", () => {
    expect(safeNext("/sign-in?next=%2Fsettings")).toBe("/");
  });

  it("puts the page to come back to in the sign-in href", () => {
    expect(signInHref("/settings?tab=members")).toBe("/sign-in?next=%2Fsettings%3Ftab%3Dmembers");
    expect(signInHref("/")).toBe("/sign-in");
    expect(signInHref("//evil.example")).toBe("/sign-in");
  });

  it("knows which pages need a session", () => {
    expect(needsSession("/")).toBe(true);
    expect(needsSession("/device")).toBe(true);
    expect(needsSession("/settings")).toBe(true);
    expect(needsSession("/sign-in")).toBe(false);
    expect(needsSession("/setup")).toBe(false);
    expect(needsSession("/invite")).toBe(false);
  });
});
