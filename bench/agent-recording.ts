/**
 * Recording overhead of the agent runtime: the same agent loop (AI SDK streamText over an
 * in-process model, with and without a tool) run bare, and through AgentRuntime recording every
 * message, model call, tool call, span and log into a real SQLite store — in the same run. The
 * difference per model call and per tool call is what recording costs an agent.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { openSqliteStore } from "@keystroke/store";
import { stepCountIs, streamText, tool } from "ai";
import { defineAction } from "keystroke/action";
import { type Agent, defineAgent } from "keystroke/agent";
import { AgentRuntime } from "keystroke/runtime";
import { z } from "zod";
import { heading, ms, percentile, table } from "./report.js";

const PROMPTS = 2000;
const ROUNDS = 40;
const WARM_UP = 40;
const STEP_TIMEOUT_MS = 120_000;

const lookupOrder = defineAction({
  slug: "lookup-order",
  name: "Look up order",
  description: "Finds the status of an order",
  input: z.object({ orderId: z.string() }),
  output: z.object({ orderId: z.string(), status: z.string() }),
  run: async ({ orderId }, { log }) => {
    log("info", `looking up ${orderId}`);
    return { orderId, status: "shipped" };
  },
});

const usage: LanguageModelV3Usage = {
  inputTokens: { total: 400, noCache: 400, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 40, text: 40, reasoning: 0 },
};

/** A prompt's shape: `steps` model calls that each call lookup-order `parallel` times, then an answer. */
interface Shape {
  parallel: number;
  steps: number;
}

/** An in-process model that plays `shape`. */
function scriptedModel({ parallel, steps }: Shape): LanguageModelV3 {
  const parts = (prompt: LanguageModelV3CallOptions["prompt"]): LanguageModelV3StreamPart[] => {
    const done = prompt.filter((m) => m.role === "tool").length;
    const answered = parallel === 0 || done >= steps;
    const content: LanguageModelV3StreamPart[] = answered
      ? [
          { type: "text-start", id: "t" },
          { type: "text-delta", id: "t", delta: "Your order has shipped." },
          { type: "text-end", id: "t" },
        ]
      : Array.from({ length: parallel }, (_, i) => ({
          type: "tool-call" as const,
          toolCallId: `call_${done}_${i}`,
          toolName: "lookup-order",
          input: `{"orderId":"A-${i}"}`,
        }));
    return [
      { type: "stream-start", warnings: [] },
      { type: "reasoning-start", id: "r" },
      { type: "reasoning-delta", id: "r", delta: "Thinking about the order." },
      { type: "reasoning-end", id: "r" },
      ...content,
      { type: "finish", usage, finishReason: { unified: answered ? "stop" : "tool-calls", raw: undefined } },
    ];
  };
  return {
    specificationVersion: "v3",
    provider: "bench",
    modelId: `tools-${parallel}x${steps}`,
    supportedUrls: {},
    doGenerate: () => Promise.reject(new Error("the bench streams")),
    doStream: async (options) => ({
      stream: new ReadableStream({
        start(controller) {
          for (const part of parts(options.prompt)) controller.enqueue(part);
          controller.close();
        },
      }),
    }),
  };
}

/** The loop without recording: streamText with the same model, tools and settings, stream consumed. */
async function bare(shape: Shape, agent: Agent): Promise<void> {
  const controller = new AbortController();
  const result = streamText({
    model: scriptedModel(shape),
    system: agent.systemPrompt,
    messages: [{ role: "user", content: "Where is my order?" }],
    tools: {
      "lookup-order": tool({
        description: lookupOrder.description,
        inputSchema: lookupOrder.input,
        execute: (input) => lookupOrder.invoke(input),
      }),
    },
    stopWhen: stepCountIs(agent.maxSteps),
    abortSignal: controller.signal,
    maxRetries: 2,
    timeout: { stepMs: STEP_TIMEOUT_MS },
    onError: () => {},
  });
  for await (const _part of result.fullStream);
}

/**
 * Mean time per prompt of each arm, from rounds that alternate between them so that whatever
 * else the machine does falls on both alike; the median round is reported.
 */
async function timedPair(off: () => Promise<void>, on: () => Promise<void>): Promise<[number, number]> {
  for (let i = 0; i < WARM_UP; i++) {
    await off();
    await on();
  }
  const rounds: [number[], number[]] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, run] of [off, on].entries()) {
      const start = performance.now();
      for (let n = 0; n < PROMPTS / ROUNDS; n++) await run();
      rounds[i]?.push((performance.now() - start) / (PROMPTS / ROUNDS));
    }
  }
  return [percentile(rounds[0], 50), percentile(rounds[1], 50)];
}

/**
 * The arms, chosen so model calls and tool calls vary apart: a plain answer (1 model call), eight
 * tools at once (2 model calls, 8 tool calls) and eight tools one after the other (9 model calls,
 * 8 tool calls). The last two differ only in 7 model calls; the first two in 1 model call and 8
 * tool calls.
 */
const arms = [
  { shape: { parallel: 0, steps: 0 }, modelCalls: 1, toolCalls: 0 },
  { shape: { parallel: 8, steps: 1 }, modelCalls: 2, toolCalls: 8 },
  { shape: { parallel: 1, steps: 8 }, modelCalls: 9, toolCalls: 8 },
];

export async function benchAgentRecording(): Promise<void> {
  heading(
    `Agent recording overhead — ${PROMPTS} prompts per arm in ${ROUNDS} alternating rounds (median round), in-process model`,
  );
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-agent-"));
  const store = openSqliteStore(join(dir, "bench.db"));
  try {
    const runtime = new AgentRuntime({
      project: "bench",
      sink: { append: (batch) => store.append([batch]) },
      sessions: { find: async () => undefined },
      env: {},
      stepTimeoutMs: STEP_TIMEOUT_MS,
      resolveModel: (spec) => {
        const arm = arms[Number(spec.split("-").at(-1))] ?? arms[0];
        const model = scriptedModel(arm?.shape ?? { parallel: 0, steps: 0 });
        return { model, provider: "bench", modelId: model.modelId };
      },
    });
    const rows: string[][] = [];
    const overhead: number[] = [];
    for (const [i, arm] of arms.entries()) {
      const agent = defineAgent({
        slug: `arm-${i}`,
        name: "Bench",
        description: "d",
        systemPrompt: "You look up orders.",
        model: `bench/arm-${i}`,
        tools: [lookupOrder],
      });
      const [bareMs, recordedMs] = await timedPair(
        () => bare(arm.shape, agent),
        async () => {
          const result = await runtime.prompt(agent, { message: "Where is my order?" });
          if (result.status !== "success") throw new Error(`bench prompt failed: ${result.error?.message}`);
        },
      );
      overhead.push(recordedMs - bareMs);
      rows.push([
        `${arm.modelCalls} model calls, ${arm.toolCalls} tool calls`,
        ms(bareMs),
        ms(recordedMs),
        ms(recordedMs - bareMs),
      ]);
    }
    table([["prompt", "recording off", "recording on (SQLite)", "difference"], ...rows]);
    const [plain = 0, parallel = 0, sequential = 0] = overhead;
    const perModelCall = (sequential - parallel) / 7;
    const perToolCall = (parallel - plain - perModelCall) / 8;
    const perPrompt = plain - perModelCall;
    table([
      ["recording overhead (solved from the three arms)", "measured", "target"],
      ["per model call (assistant message, model.called, chat span)", ms(perModelCall), "≤ 1 ms"],
      ["per tool call (call and result parts, execute_tool span, log)", ms(perToolCall), "≤ 1 ms"],
      [
        "per prompt, once (session lookup, run created/finished, user message, invoke_agent span, commit)",
        ms(perPrompt),
        "—",
      ],
    ]);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
