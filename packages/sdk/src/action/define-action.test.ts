import { KeystrokeError } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "./define-action.js";

const definition = {
  slug: "refund-order",
  name: "Refund order",
  description: "Refunds an order",
  input: z.object({ orderId: z.string(), amount: z.number().positive() }),
  output: z.object({ refundId: z.string() }),
  run: async ({ orderId }: { orderId: string }) => ({ refundId: `re_${orderId}` }),
};

describe("defineAction", () => {
  it.each([
    [{ slug: "refund order" }, "slug"],
    [{ name: "" }, "name"],
    [{ description: 42 }, "description"],
  ])("refuses %j naming %s", (change, field) => {
    expect(() => defineAction({ ...definition, ...change } as typeof definition)).toThrow(KeystrokeError);
    try {
      defineAction({ ...definition, ...change } as typeof definition);
    } catch (error) {
      expect((error as KeystrokeError).details).toMatchObject({ field });
    }
  });

  it("refuses input that fails its schema, naming the action and the problem, without running it", async () => {
    let ran = false;
    const action = defineAction({
      ...definition,
      run: async () => {
        ran = true;
        return { refundId: "x" };
      },
    });
    await expect(action.invoke({ orderId: "A-1", amount: -5 })).rejects.toThrow(
      /Input of action "refund-order" is not valid/,
    );
    expect(ran).toBe(false);
  });

  it("refuses output that does not match its schema", async () => {
    const action = defineAction({ ...definition, run: async () => ({ refund: 1 }) as never });
    await expect(action.invoke({ orderId: "A-1", amount: 5 })).rejects.toThrow(
      /returned output that does not match its schema/,
    );
  });

  it("outside a workflow, run() validates and runs it like invoke()", async () => {
    const action = defineAction(definition);
    await expect(action.run({ orderId: "A-1", amount: 5 })).resolves.toEqual({ refundId: "re_A-1" });
  });
});
