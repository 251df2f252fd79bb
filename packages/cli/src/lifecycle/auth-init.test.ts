import { describe, expect, it } from "vitest";
import { initFromEnv } from "./auth-init.js";

describe("initFromEnv", () => {
  it("asks for no first start without an Owner, even with an organization set", () => {
    expect(initFromEnv({})).toEqual({});
    expect(initFromEnv({ KEYSTROKE_INIT_ORG: "acme" })).toEqual({});
  });

  it("reads the organization, the Owner and the optional key", () => {
    expect(
      initFromEnv({
        KEYSTROKE_INIT_ORG: "acme",
        KEYSTROKE_INIT_USER_EMAIL: "ada@example.com",
        KEYSTROKE_INIT_USER_PASSWORD: "correct horse battery staple",
        KEYSTROKE_INIT_API_KEY: "ks_abc",
      }),
    ).toEqual({
      init: {
        organization: "acme",
        email: "ada@example.com",
        password: "correct horse battery staple",
        apiKey: "ks_abc",
      },
    });
  });

  it("names what is missing when the Owner is given without the rest", () => {
    expect(() => initFromEnv({ KEYSTROKE_INIT_USER_EMAIL: "ada@example.com" })).toThrow(
      /KEYSTROKE_INIT_ORG and KEYSTROKE_INIT_USER_PASSWORD/,
    );
  });
});
