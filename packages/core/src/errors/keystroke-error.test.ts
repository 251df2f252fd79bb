import { describe, expect, it } from "vitest";
import {
  type ErrorCode,
  fromErrorBody,
  httpStatusOf,
  isErrorCode,
  KeystrokeError,
  toKeystrokeError,
} from "./keystroke-error.js";

const statusByCode: [ErrorCode, number][] = [
  ["invalid_input", 400],
  ["unauthorized", 401],
  ["forbidden", 403],
  ["not_found", 404],
  ["conflict", 409],
  ["payload_too_large", 413],
  ["unsupported_media_type", 415],
  ["rate_limited", 429],
  ["internal", 500],
  ["unreachable", 502],
  ["unavailable", 503],
];

describe("KeystrokeError", () => {
  it.each(statusByCode)("maps %s to HTTP %i", (code, status) => {
    expect(new KeystrokeError(code, "x").httpStatus).toBe(status);
    expect(httpStatusOf(code)).toBe(status);
  });

  it("is an Error carrying code, message, hint, details and cause", () => {
    const cause = new Error("disk full");
    const error = new KeystrokeError("not_found", "No run run_1", {
      hint: "List runs with `keystroke history list`",
      details: { runId: "run_1" },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("KeystrokeError");
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("No run run_1");
    expect(error.hint).toBe("List runs with `keystroke history list`");
    expect(error.details).toEqual({ runId: "run_1" });
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe("KeystrokeError: No run run_1");
  });

  it("has no cause unless one is given", () => {
    expect("cause" in new KeystrokeError("internal", "x")).toBe(false);
  });

  it("serialises to { error: { code, message } } without empty hint or details", () => {
    const body = new KeystrokeError("conflict", "Run run_1 already exists").toBody();
    expect(body).toStrictEqual({ error: { code: "conflict", message: "Run run_1 already exists" } });
    expect(Object.keys(body.error)).toEqual(["code", "message"]);
  });

  it("serialises hint and details when present", () => {
    const body = new KeystrokeError("invalid_input", "Invalid filter status", {
      hint: "See GET /api/openapi.json",
      details: { problems: [{ path: "status", message: "bad" }] },
      cause: new Error("hidden"),
    }).toBody();
    expect(body).toStrictEqual({
      error: {
        code: "invalid_input",
        message: "Invalid filter status",
        hint: "See GET /api/openapi.json",
        details: { problems: [{ path: "status", message: "bad" }] },
      },
    });
    expect(JSON.stringify(body)).not.toContain("hidden");
  });

  it("keeps falsy details such as 0 or an empty string", () => {
    expect(new KeystrokeError("internal", "x", { details: 0 }).toBody().error.details).toBe(0);
    expect(new KeystrokeError("internal", "x", { hint: "" }).toBody().error.hint).toBe("");
  });
});

describe("isErrorCode", () => {
  it("accepts every code", () => {
    for (const [code] of statusByCode) expect(isErrorCode(code)).toBe(true);
  });

  it.each([["nope"], ["toString"], ["constructor"], [""], [400], [null], [undefined]])("rejects %j", (value) => {
    expect(isErrorCode(value)).toBe(false);
  });
});

describe("toKeystrokeError", () => {
  it("returns a KeystrokeError unchanged", () => {
    const error = new KeystrokeError("forbidden", "no");
    expect(toKeystrokeError(error)).toBe(error);
  });

  it("keeps the code, hint and details of a KeystrokeError from another copy of this module", () => {
    class OtherCopy extends Error {
      override name = "KeystrokeError";
      code = "not_found";
      hint = "List them";
      details = { slug: "x" };
    }
    const error = toKeystrokeError(new OtherCopy("No agent x"));
    expect(error).toBeInstanceOf(KeystrokeError);
    expect(error.toBody()).toEqual({
      error: { code: "not_found", message: "No agent x", hint: "List them", details: { slug: "x" } },
    });
  });

  it("turns a plain Error into internal, keeping message and cause", () => {
    const thrown = new TypeError("x is undefined");
    const error = toKeystrokeError(thrown);
    expect(error).toBeInstanceOf(KeystrokeError);
    expect(error.code).toBe("internal");
    expect(error.httpStatus).toBe(500);
    expect(error.message).toBe("x is undefined");
    expect(error.cause).toBe(thrown);
  });

  it.each([
    ["boom", "boom"],
    [42, "42"],
    [undefined, "undefined"],
  ])("turns %j into internal", (thrown, message) => {
    const error = toKeystrokeError(thrown);
    expect(error.code).toBe("internal");
    expect(error.message).toBe(message);
  });
});

describe("fromErrorBody", () => {
  it("round-trips toBody through JSON", () => {
    const original = new KeystrokeError("payload_too_large", "Batch over 10 MB", {
      hint: "Split the batch",
      details: { limit: 10_485_760 },
    });
    const rebuilt = fromErrorBody(JSON.parse(JSON.stringify(original.toBody())), original.httpStatus);
    expect(rebuilt).toBeInstanceOf(KeystrokeError);
    expect(rebuilt.toBody()).toStrictEqual(original.toBody());
    expect(rebuilt.httpStatus).toBe(413);
  });

  it("trusts the body's code over the HTTP status", () => {
    expect(fromErrorBody({ error: { code: "not_found", message: "gone" } }, 500).code).toBe("not_found");
  });

  it.each<[number, ErrorCode]>([
    [400, "invalid_input"],
    [401, "unauthorized"],
    [404, "not_found"],
    [413, "payload_too_large"],
    [429, "rate_limited"],
    [502, "unreachable"],
    [503, "unavailable"],
    [504, "internal"],
    [418, "invalid_input"],
  ])("falls back on HTTP %i → %s for an unknown code", (status, code) => {
    const error = fromErrorBody({ error: { code: "teapot", message: "short and stout" } }, status);
    expect(error.code).toBe(code);
    expect(error.message).toBe("short and stout");
  });

  it.each([[undefined], [null], ["<html>Bad Gateway</html>"], [{}], [{ error: "nope" }], [{ error: { code: "x" } }]])(
    "falls back on the HTTP status for the body %j",
    (body) => {
      const error = fromErrorBody(body, 503);
      expect(error.code).toBe("unavailable");
      expect(error.message).toContain("HTTP 503");
    },
  );
});
