/**
 * The demo model through the AI SDK, as an agent calls it: it answers from the message, and a
 * message of megabytes is quoted, not echoed whole, so its answer streams in hundreds of pieces
 * rather than a hundred thousand.
 */
import { streamText } from "ai";
import { expect, it } from "vitest";
import { demoModel, QUOTED_CHARACTERS } from "./demo-model.js";

async function streamed(message: string): Promise<{ text: string; reasoning: string; deltas: number }> {
  const result = streamText({ model: demoModel("support"), messages: [{ role: "user", content: message }] });
  let text = "";
  let reasoning = "";
  let deltas = 0;
  for await (const part of result.fullStream) {
    if (part.type === "text-delta") {
      text += part.text;
      deltas++;
    } else if (part.type === "reasoning-delta") reasoning += part.text;
  }
  return { text, reasoning, deltas };
}

it("answers a short message quoting it whole", async () => {
  const { text, reasoning } = await streamed("Where is the VPN guide?");
  expect(text).toMatch(/^\[demo model\] You asked: "Where is the VPN guide\?"\. /);
  expect(reasoning).toContain('The user says: "Where is the VPN guide?"');
});

it("quotes the start of a 4 MB message instead of streaming it back", async () => {
  const message = `Please read this. ${"lorem ipsum ".repeat(350_000)}`;
  const { text, reasoning, deltas } = await streamed(message);
  expect(text).toContain(`You asked: "${message.slice(0, QUOTED_CHARACTERS)}…"`);
  expect(text.length).toBeLessThan(QUOTED_CHARACTERS + 300);
  expect(reasoning.length).toBeLessThan(QUOTED_CHARACTERS + 100);
  // Pieces of 40 characters: hundreds, not the hundred thousand of the whole message.
  expect(deltas).toBeLessThan(QUOTED_CHARACTERS / 40 + 15);
});
