import { describe, expect, it } from "vitest";
import { writeOrgCookie } from "./org-cookie";

describe("the active organization's cookie", () => {
  it("is written for the whole site, same-site only", () => {
    const target = { cookie: "" };
    writeOrgCookie("acme", target);
    expect(target.cookie).toBe("keystroke_org=acme; path=/; SameSite=Lax");
  });

  it("cannot add attributes through the slug", () => {
    const target = { cookie: "" };
    writeOrgCookie("acme; domain=evil.example", target);
    expect(target.cookie).toBe("keystroke_org=acme%3B%20domain%3Devil.example; path=/; SameSite=Lax");
  });
});
