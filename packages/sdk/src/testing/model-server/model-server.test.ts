import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, type LanguageModel, type ModelMessage, stepCountIs, streamText, tool } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type ModelRequest, type ModelScript, type ModelServer, startModelServer } from "./index.js";

const apiKey = "sk-test-key";

interface Provider {
  name: string;
  format: ModelRequest["format"];
  model(url: string): LanguageModel;
  /** The header that carries the key, and its value. */
  key: [string, string];
  /** Whether the provider surfaces the thought as reasoning. */
  readsReasoning: boolean;
}

const providers: Provider[] = [
  {
    name: "OpenAI Chat Completions",
    format: "openai-chat",
    model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey }).chat("gpt-4.1"),
    key: ["authorization", `Bearer ${apiKey}`],
    readsReasoning: false,
  },
  {
    name: "OpenAI Responses",
    format: "openai-responses",
    model: (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey })("gpt-5"),
    key: ["authorization", `Bearer ${apiKey}`],
    readsReasoning: true,
  },
  {
    name: "Anthropic Messages",
    format: "anthropic-messages",
    model: (url) => createAnthropic({ baseURL: `${url}/v1`, apiKey })("claude-sonnet-4-5"),
    key: ["x-api-key", apiKey],
    readsReasoning: true,
  },
  {
    name: "OpenAI-compatible",
    format: "openai-chat",
    model: (url) =>
      createOpenAICompatible({ name: "local", baseURL: `${url}/v1`, apiKey, includeUsage: true })("qwen3"),
    key: ["authorization", `Bearer ${apiKey}`],
    readsReasoning: true,
  },
];

type Options = Parameters<typeof generateText>[0];

/** Calls the model the way a user would, not streaming or streaming; a streamed error is thrown. */
const modes = {
  generateText: async (options: Options) => {
    const result = await generateText(options);
    return { text: result.text, reasoningText: result.reasoningText, usage: result.totalUsage, steps: result.steps };
  },
  streamText: async (options: Options) => {
    const result = streamText({ ...options, onError: () => undefined });
    for await (const part of result.fullStream) if (part.type === "error") throw part.error;
    return {
      text: await result.text,
      reasoningText: await result.reasoningText,
      usage: await result.totalUsage,
      steps: await result.steps,
    };
  },
};

let server: ModelServer | undefined;

async function start(script: ModelScript): Promise<ModelServer> {
  server = await startModelServer(script);
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe.each(providers)("$name", (provider) => {
  describe.each(Object.entries(modes))("with %s", (mode, call) => {
    const stream = mode === "streamText";

    it("answers with the script's text, reasoning and usage, and records the request", async () => {
      const { url, requests } = await start(() => ({
        text: "Your refund left on Monday; expect it within 5 business days.",
        thought: "The user asks about a refund; the order shows it was issued.",
        usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 20, reasoningTokens: 10 },
      }));
      const result = await call({
        model: provider.model(url),
        system: "You are Support.",
        prompt: "Where is my refund?",
      });

      expect(result.text).toBe("Your refund left on Monday; expect it within 5 business days.");
      expect(result.reasoningText).toBe(
        provider.readsReasoning ? "The user asks about a refund; the order shows it was issued." : undefined,
      );
      expect(result.usage).toMatchObject({
        inputTokens: 120,
        outputTokens: 30,
        inputTokenDetails: { cacheReadTokens: 20 },
        outputTokenDetails: { reasoningTokens: 10 },
      });
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        format: provider.format,
        stream,
        system: "You are Support.",
        messages: [{ role: "user", text: "Where is my refund?" }],
        tools: [],
        headers: { [provider.key[0]]: provider.key[1] },
      });
    });

    it("asks for a tool, which runs with its arguments, and gets the result back in the next request", async () => {
      const { url, requests } = await start((request) => {
        const result = request.messages.find((message) => message.role === "tool");
        if (result) return { text: `Order A-17 is ${JSON.parse(result.text).status}.` };
        return {
          thought: "I should look the order up.",
          toolCalls: [{ id: "call_1", name: "lookupOrder", arguments: { orderId: "A-17", verbose: true } }],
        };
      });
      const received: unknown[] = [];
      const lookupOrder = tool({
        description: "Finds an order",
        inputSchema: z.object({ orderId: z.string(), verbose: z.boolean() }),
        execute: async (input) => {
          received.push(input);
          return { status: "shipped" };
        },
      });

      const result = await call({
        model: provider.model(url),
        prompt: "Where is order A-17?",
        tools: { lookupOrder },
        stopWhen: stepCountIs(3),
      });

      expect(received).toEqual([{ orderId: "A-17", verbose: true }]);
      expect(result.text).toBe("Order A-17 is shipped.");
      expect(result.steps).toHaveLength(2);
      expect(requests.map((request) => request.tools)).toEqual([["lookupOrder"], ["lookupOrder"]]);
      expect(requests[1]?.messages).toEqual([
        { role: "user", text: "Where is order A-17?" },
        {
          role: "assistant",
          text: "",
          toolCalls: [{ id: "call_1", name: "lookupOrder", arguments: { orderId: "A-17", verbose: true } }],
        },
        { role: "tool", toolCallId: "call_1", text: expect.stringContaining('"status":"shipped"') },
      ]);
    });

    it("receives the earlier answer in a follow-up, and estimates usage the script left out", async () => {
      const { url, requests } = await start((request) => ({ text: `Answer ${request.messages.length}` }));
      const model = provider.model(url);
      const first = await generateText({ model, prompt: "First question" });
      const messages: ModelMessage[] = [
        { role: "user", content: "First question" },
        ...first.response.messages,
        { role: "user", content: "Second question" },
      ];

      const second = await call({ model, messages });

      expect(second.text).toBe("Answer 3");
      expect(second.usage).toMatchObject({ inputTokens: 10, outputTokens: 2 });
      expect(requests[1]?.messages).toEqual([
        { role: "user", text: "First question" },
        { role: "assistant", text: "Answer 1" },
        { role: "user", text: "Second question" },
      ]);
    });

    it.each([
      ["http_500", 500],
      ["http_429", 429],
    ] as const)("surfaces a %s fault as an API error with its status", async (fault, status) => {
      const { url } = await start(() => ({ fault }));
      const failure = call({ model: provider.model(url), prompt: "Hi", maxRetries: 0 });

      await expect(failure).rejects.toSatisfy((error) => APICallError.isInstance(error) && error.statusCode === status);
    });

    it("surfaces a garbage body as an error", async () => {
      const { url } = await start(() => ({ fault: "garbage" }));

      await expect(call({ model: provider.model(url), prompt: "Hi", maxRetries: 0 })).rejects.toThrow();
    });

    it("leaves a hanging call to the caller's timeout", async () => {
      const { url } = await start(() => ({ fault: "hang" }));
      const failure = call({
        model: provider.model(url),
        prompt: "Hi",
        maxRetries: 0,
        abortSignal: AbortSignal.timeout(300),
      });

      await expect(failure).rejects.toSatisfy((error) => error instanceof Error && error.name === "TimeoutError");
    });
  });
});

describe("startModelServer", () => {
  it("closes promptly while a request hangs, cutting it", async () => {
    const { url, close } = await startModelServer(() => ({ fault: "hang" }));
    const hanging = fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] }),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    await close();
    await expect(hanging).rejects.toThrow();
  });

  it("refuses a malformed request with 400 naming the field, without calling the script", async () => {
    const { url, requests } = await start(() => ({ text: "never" }));
    const post = (path: string, body: string) => fetch(`${url}${path}`, { method: "POST", body });

    const noMessages = await post("/v1/chat/completions", JSON.stringify({ model: "gpt-4.1" }));
    expect(noMessages.status).toBe(400);
    expect(await noMessages.json()).toMatchObject({ error: { message: "messages: expected an array, got nothing" } });

    const notJson = await post("/v1/messages", "{");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "body: expected a JSON object" },
    });

    const unknownReference = await post(
      "/v1/responses",
      JSON.stringify({ model: "gpt-5", input: [{ type: "item_reference", id: "msg_9" }] }),
    );
    expect(await unknownReference.json()).toMatchObject({
      error: { message: "input[0].id: no item msg_9 was emitted here" },
    });
    expect((await post("/v1/embeddings", "{}")).status).toBe(404);
    expect(requests).toEqual([]);
  });

  it("sends retry-after with a 429, so the client's own retry gets the next answer", async () => {
    let calls = 0;
    const { url, requests } = await start(() => {
      calls += 1;
      return calls === 1 ? { fault: "http_429" } : { text: "Back" };
    });
    const model = createAnthropic({ baseURL: `${url}/v1`, apiKey })("claude-sonnet-4-5");

    expect((await generateText({ model, prompt: "Hi", maxRetries: 1 })).text).toBe("Back");
    expect(requests).toHaveLength(2);
  });

  it("can be closed twice", async () => {
    const { close } = await startModelServer(() => ({ text: "Hi" }));
    await close();
    await expect(close()).resolves.toBeUndefined();
  });

  it("answers 500 with the script's error when the script throws", async () => {
    const { url } = await start(() => {
      throw new Error("no answer scripted for this request");
    });

    const model = createOpenAI({ baseURL: `${url}/v1`, apiKey }).chat("gpt-4.1");

    await expect(generateText({ model, prompt: "Hi", maxRetries: 0 })).rejects.toThrow(
      "The test script failed: no answer scripted for this request",
    );
  });
});
