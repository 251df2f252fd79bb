/**
 * The test model server's answers for a tool round trip: asked "Weather in <city>?", the model
 * calls the `weather` tool (call id `call-<city>`); given the tool's result, it answers
 * `answer(result)`. 250 input and 15 output tokens for the call, 300 and 9 for the answer.
 */
import type { ModelScript } from "keystroke/testing";

export function weatherModel(answer = (weather: string) => `It is ${weather} there.`): ModelScript {
  return (request) => {
    const last = request.messages.at(-1);
    if (last?.role === "tool") return { text: answer(last.text), usage: { inputTokens: 300, outputTokens: 9 } };
    const city = last?.text.replace(/^Weather in (.*)\?$/, "$1") ?? "";
    return {
      toolCalls: [{ id: `call-${city}`, name: "weather", arguments: { city } }],
      usage: { inputTokens: 250, outputTokens: 15 },
    };
  };
}
