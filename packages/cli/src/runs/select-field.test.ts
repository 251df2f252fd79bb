import { KeystrokeError } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { fieldRoot, selectField } from "./select-field.js";

const value = { status: "success", tokens: { input: 12 }, error: null, messages: [{ role: "user" }] };

describe("selectField", () => {
  it("follows dot paths and array indexes", () => {
    expect(selectField(value, "status")).toBe("success");
    expect(selectField(value, "tokens.input")).toBe(12);
    expect(selectField(value, "error")).toBeNull();
    expect(selectField(value, "messages.0.role")).toBe("user");
    expect(selectField(value, "messages[0].role")).toBe("user");
    expect(fieldRoot("messages[0].role")).toBe("messages");
  });

  it("names the path and where it stopped when there is no such field", () => {
    expect(() => selectField(value, "tokens.output")).toThrow(
      'Unknown field "tokens.output": "tokens" has no "output"',
    );
    expect(() => selectField(value, "messages.3")).toThrow('"messages" has no "3"');
    expect(() => selectField(value, "error.message")).toThrow('"error" has no "message"');
    const unknown = (() => {
      try {
        selectField(value, "colour");
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(unknown).toBeInstanceOf(KeystrokeError);
    expect((unknown as KeystrokeError).hint).toBe("Fields: status, tokens, error, messages");
    expect(() => selectField(value, "")).toThrow("an empty path");
  });
});
