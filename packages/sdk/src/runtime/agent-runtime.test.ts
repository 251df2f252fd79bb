import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "../action/define-action.js";
import { defineAgent } from "../agent/define-agent.js";
import { MemoryRunLog } from "../testing/memory-run-log.js";
import { AgentRuntime } from "./agent-runtime.js";

const lookupOrder = defineAction({
  slug: "lookup-order",
  name: "Look up order",
  description: "Finds the shipping status of an order",
  input: z.object({ orderId: z.string() }),
  output: z.object({ orderId: z.string(), status: z.string() }),
  service: "shopify",
  run: async ({ orderId }, { log }) => {
    log("info", `looking up ${orderId}`, { orderId });
    return { orderId, status: "shipped" };
  },
});

const refund = defineAction({
  slug: "refund-payment",
  name: "Refund payment",
  description: "Refunds the payment of an order",
  input: z.object({ orderId: z.string() }),
  output: z.object({ ok: z.boolean() }),
  run: async () => {
    throw new Error("Payment provider declined the refund");
  },
});

const research = defineAgent({
  slug: "research",
  name: "Research",
  description: "Researches product questions in the documentation",
  systemPrompt: "You research.",
  model: "demo/research",
});

const support = defineAgent({
  slug: "support",
  name: "Support",
  description: "Answers customers",
  systemPrompt: "You help customers.",
  model: "demo/support",
  tools: [lookupOrder, refund, research],
});

function runtime(env: Record<string, string> = {}) {
  const log = new MemoryRunLog();
  return { log, runtime: new AgentRuntime({ project: "acme", sink: log, sessions: log, env }) };
}

describe("AgentRuntime", () => {
  it("records a plain answer as an agent run: user message, thought and text, one model call, spans", async () => {
    const { log, runtime: rt } = runtime();
    const result = await rt.prompt(support, {
      message: "Hello there",
      source: "cli",
      trigger: { label: "CLI prompt" },
    });
    expect(result.status).toBe("success");
    expect(result.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const run = log.run(result.runId);
    expect(run).toMatchObject({
      kind: "agent",
      slug: "support",
      status: "success",
      sessionId: result.sessionId,
      source: "cli",
      trigger: "CLI prompt",
    });
    expect(run.models).toEqual(["demo/support"]);
    expect(run.messageCount).toBe(2);
    expect(run.tokens.input).toBeGreaterThan(0);
    const assistant = log.messages.get(result.runId)?.[1];
    expect(assistant?.parts.map((p) => p.type)).toEqual(["thought", "text"]);
    const spans = (log.events.get(result.runId) ?? []).flatMap((e) => (e.type === "span.recorded" ? [e.span] : []));
    expect(spans.map((s) => s.name).sort()).toEqual(["chat support", "invoke_agent support"]);
    const [chat, root] = [spans.find((s) => s.name.startsWith("chat")), spans.find((s) => s.name.startsWith("invoke"))];
    expect(chat?.parentSpanId).toBe(root?.spanId);
  });

  it("records a tool call with its arguments and result, the service it used and the tool's logs", async () => {
    const { log, runtime: rt } = runtime();
    const result = await rt.prompt(support, { message: "Where is my order A-1234? Please look up the order status." });
    expect(result.status).toBe("success");
    const [, first, second] = log.messages.get(result.runId) ?? [];
    expect(first?.parts).toContainEqual(
      expect.objectContaining({ type: "tool_call", name: "lookup-order", arguments: { orderId: "A-1234" } }),
    );
    expect(first?.parts).toContainEqual(
      expect.objectContaining({
        type: "tool_result",
        name: "lookup-order",
        result: { orderId: "A-1234", status: "shipped" },
      }),
    );
    expect(second?.parts.find((p) => p.type === "text")).toMatchObject({ text: expect.stringContaining("shipped") });
    const run = log.run(result.runId);
    expect(run.services).toEqual(["shopify"]);
    expect(run.stepCount).toBe(2);
    const logs = (log.events.get(result.runId) ?? []).flatMap((e) => (e.type === "log.recorded" ? [e.log] : []));
    expect(logs).toEqual([
      expect.objectContaining({ level: "info", message: "looking up A-1234", spanId: expect.any(String) }),
    ]);
    const toolSpan = (log.events.get(result.runId) ?? [])
      .flatMap((e) => (e.type === "span.recorded" ? [e.span] : []))
      .find((s) => s.name === "execute_tool lookup-order");
    expect(toolSpan?.spanId).toBe(logs[0]?.spanId);
  });

  it("shows the error of a tool that throws on the tool call, and the session still answers", async () => {
    const { log, runtime: rt } = runtime();
    const result = await rt.prompt(support, { message: "Please refund the payment of order B-77" });
    expect(result.status).toBe("success");
    const parts = (log.messages.get(result.runId) ?? []).flatMap((m) => m.parts);
    expect(parts).toContainEqual(
      expect.objectContaining({
        type: "tool_result",
        name: "refund-payment",
        error: expect.objectContaining({ message: "Payment provider declined the refund" }),
      }),
    );
  });

  it("runs a subagent as its own run, linked to the parent run and tool call both ways", async () => {
    const { log, runtime: rt } = runtime();
    const result = await rt.prompt(support, { message: "Can you research the product documentation about warranty?" });
    expect(result.status).toBe("success");
    const call = (log.messages.get(result.runId) ?? [])
      .flatMap((m) => m.parts)
      .find((p) => p.type === "tool_call" && p.name === "research");
    expect(call?.type === "tool_call" && call.childRunId).toMatch(/^run_/);
    const childRunId = call?.type === "tool_call" ? (call.childRunId as string) : "";
    const child = log.run(childRunId);
    expect(child).toMatchObject({
      slug: "research",
      source: "agent",
      status: "success",
      parentRunId: result.runId,
      parentToolCallId: call?.type === "tool_call" ? call.id : "",
    });
    expect(log.run(result.runId).childRunIds).toEqual([childRunId]);
    const childRoot = (log.events.get(childRunId) ?? [])
      .flatMap((e) => (e.type === "span.recorded" ? [e.span] : []))
      .find((s) => s.name === "invoke_agent research");
    const parentToolSpan = (log.events.get(result.runId) ?? [])
      .flatMap((e) => (e.type === "span.recorded" ? [e.span] : []))
      .find((s) => s.name === "execute_tool research");
    expect(childRoot?.parentSpanId).toBe(parentToolSpan?.spanId);
    expect(childRoot?.traceId).toBe(parentToolSpan?.traceId);
  });

  it("continues a session on the same run with the earlier conversation as context", async () => {
    const { log, runtime: rt } = runtime();
    const first = await rt.prompt(support, { message: "Hello" });
    const second = await rt.prompt(support, { message: "And again", sessionId: first.sessionId });
    expect(second.runId).toBe(first.runId);
    expect(log.runs.size).toBe(1);
    expect(log.run(first.runId)).toMatchObject({ messageCount: 4, status: "success" });
    expect(log.typesOf(first.runId).filter((t) => t === "run.created")).toHaveLength(1);
  });

  it("runs two prompts to one session one after the other, never interleaved", async () => {
    const { log, runtime: rt } = runtime();
    const first = await rt.prompt(support, { message: "Start" });
    await Promise.all([
      rt.prompt(support, { message: "one", sessionId: first.sessionId }),
      rt.prompt(support, { message: "two", sessionId: first.sessionId }),
    ]);
    const roles = (log.messages.get(first.runId) ?? []).map(
      (m) => `${m.role}:${m.parts.find((p) => p.type === "text")?.type === "text" ? "" : ""}`,
    );
    expect(roles).toEqual(["user:", "assistant:", "user:", "assistant:", "user:", "assistant:"]);
    const users = (log.messages.get(first.runId) ?? [])
      .filter((m) => m.role === "user")
      .map((m) => (m.parts[0] as { text: string }).text);
    expect(users).toEqual(["Start", "one", "two"]);
  });

  it("ends the run failed with the variable named when a provider key is missing", async () => {
    const { log, runtime: rt } = runtime({});
    const agent = defineAgent({
      slug: "claude",
      name: "Claude",
      description: "d",
      systemPrompt: "s",
      model: "anthropic/claude-sonnet-4-5",
    });
    const result = await rt.prompt(agent, { message: "hi" });
    expect(result.status).toBe("failed");
    expect(result.error?.message).toContain("ANTHROPIC_API_KEY");
    expect(log.run(result.runId)).toMatchObject({
      status: "failed",
      errorSummary: expect.stringContaining("ANTHROPIC_API_KEY"),
    });
  });

  it("names the known vendors for an unknown one", async () => {
    const { runtime: rt } = runtime();
    const agent = defineAgent({ slug: "x", name: "X", description: "d", systemPrompt: "s", model: "mystery/model-1" });
    const result = await rt.prompt(agent, { message: "hi" });
    expect(result.error?.message).toContain('Unknown model vendor "mystery"');
  });

  it("records a model failure as a failed run with a failed model call", async () => {
    const { log, runtime: rt } = runtime();
    const result = await rt.prompt(support, { message: "Please simulate an outage" });
    expect(result.status).toBe("failed");
    expect(result.error?.message).toContain("simulated provider outage");
    const call = (log.events.get(result.runId) ?? []).find((e) => e.type === "model.called");
    expect(call).toMatchObject({ error: expect.objectContaining({ message: expect.stringContaining("outage") }) });
  });

  it("refuses an empty message before recording anything", () => {
    const { log, runtime: rt } = runtime();
    expect(() => rt.prompt(support, { message: "  " })).toThrow(/message is empty/);
    expect(log.runs.size).toBe(0);
  });

  it("cancels a running session: the run ends canceled", async () => {
    const { log, runtime: rt } = runtime();
    let release: () => void = () => {};
    const slow = defineAction({
      slug: "slow-search",
      name: "Slow search",
      description: "Searches slowly through the archive",
      input: z.object({ query: z.string() }),
      output: z.object({ hits: z.number() }),
      run: (_input, { signal }) =>
        new Promise((resolve, reject) => {
          release = () => resolve({ hits: 1 });
          signal.addEventListener("abort", () => reject(signal.reason));
        }),
    });
    const agent = defineAgent({
      slug: "archivist",
      name: "Archivist",
      description: "d",
      systemPrompt: "s",
      model: "demo/a",
      tools: [slow],
    });
    const pending = rt.prompt(agent, { message: "Search the archive slowly" });
    while (rt.activeRunIds().length === 0 || !log.typesOf(rt.activeRunIds()[0] ?? "").includes("message.added"))
      await new Promise((r) => setTimeout(r, 5));
    const [runId] = rt.activeRunIds();
    expect(rt.cancel(runId ?? "")).toBe(true);
    const result = await pending;
    release();
    expect(result.status).toBe("canceled");
    expect(log.run(result.runId).status).toBe("canceled");
    expect(rt.cancel(result.runId)).toBe(false);
  });

  it("closes the run as failed when the store refuses a batch, so it never stays running", async () => {
    const log = new MemoryRunLog();
    let refuse = true;
    const sink = {
      append: async (batch: Parameters<MemoryRunLog["append"]>[0]) => {
        if (refuse && batch.events.some((e) => e.type === "message.part_added")) {
          refuse = false;
          throw new Error("the store cannot hold this tool result");
        }
        return log.append(batch);
      },
    };
    const rt = new AgentRuntime({ project: "acme", sink, sessions: log, env: {} });
    const slowLookup = defineAction({
      slug: "slow-lookup",
      name: "Slow lookup",
      description: "Looks up the order status slowly",
      input: z.object({ orderId: z.string() }),
      output: z.object({ status: z.string() }),
      run: () => new Promise<{ status: string }>((resolve) => setTimeout(() => resolve({ status: "shipped" }), 30)),
    });
    const agent = defineAgent({
      slug: "slow",
      name: "Slow",
      description: "d",
      systemPrompt: "s",
      model: "demo/s",
      tools: [slowLookup],
    });
    await expect(rt.prompt(agent, { message: "Please look up the order status of A-1234" })).rejects.toThrow(
      "the store cannot hold this tool result",
    );
    const [run] = [...log.runs.values()];
    expect(run).toMatchObject({
      status: "failed",
      errorSummary: expect.stringContaining("Recording this session failed"),
    });
  });
});
