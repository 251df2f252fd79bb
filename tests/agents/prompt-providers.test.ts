/**
 * Agents on the real AI SDK provider clients, end to end: `keystroke dev` hosts a project whose
 * agents call Anthropic Messages, OpenAI Responses and an OpenAI-compatible endpoint — all served
 * by the test suite's model server — prompted through the CLI and read back through
 * `agents sessions get --include messages,trace` and `history list`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertBuilt, runCli, type ServeProcess, startDevProcess } from "@keystroke/cli/testing";
import { modelCost } from "@keystroke/core/cost";
import { type ModelRequest, type ModelServer, type ModelTurn, startModelServer } from "keystroke/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerEnv, writeProviderProject } from "./provider-project.js";

const usage = { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 200 };

function script(request: ModelRequest): ModelTurn {
  const lastUser = request.messages.findLastIndex((m) => m.role === "user");
  const said = request.messages[lastUser]?.text ?? "";
  const toolResults = request.messages.slice(lastUser).filter((m) => m.role === "tool");
  if (said.includes("fail-500")) return { fault: "http_500" };
  if (said.includes("hang")) return { fault: "hang" };
  if (said.includes("garbage")) return { fault: "garbage" };
  if (toolResults.length > 0)
    return { thought: "I have the tool result.", text: `Done: ${toolResults.map((m) => m.text).join(" ")}`, usage };
  const order = /order (\S+) now/.exec(said)?.[1];
  if (order)
    return {
      thought: "I should look up the order.",
      toolCalls: [{ id: `call_${request.model}_${order}`, name: "lookup-order", arguments: { orderId: order } }],
      usage,
    };
  if (said.includes("approval"))
    return {
      thought: "This needs a human.",
      toolCalls: [{ id: "call_wait", name: "wait-for-approval", arguments: { ticket: "T-1" } }],
      usage,
    };
  if (said.includes("ask the helper"))
    return {
      thought: "The helper knows.",
      toolCalls: [{ id: "call_helper", name: "helper", arguments: { message: "What is the warranty?" } }],
      usage,
    };
  return { thought: "A plain question.", text: `You said: ${said}`, usage };
}

interface Prompted {
  sessionId: string;
  runId: string;
  status: string;
  messages: { role: string; parts: { type: string; [key: string]: unknown }[] }[];
  error: { message: string; name?: string } | null;
}

const agents = [
  { slug: "claude", provider: "anthropic", model: "claude-sonnet-4-5", format: "anthropic-messages" },
  { slug: "gpt", provider: "openai", model: "gpt-4o-mini", format: "openai-responses" },
  { slug: "compat", provider: "compat", model: "llama-3.3", format: "openai-chat" },
] as const;

describe("agents on provider wire formats, through keystroke dev and the CLI", () => {
  let models: ModelServer;
  let dir: string;
  let dev: ServeProcess;
  const env = () => providerEnv(models.url);
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const cliJson = async <T>(...args: string[]) => {
    const result = await cli(...args);
    return { ...result, json: (result.stdout ? JSON.parse(result.stdout) : undefined) as T };
  };
  const prompt = (slug: string, message: string, ...rest: string[]) =>
    cliJson<Prompted>("agents", "prompt", slug, "--message", message, ...rest);

  beforeAll(async () => {
    assertBuilt();
    models = await startModelServer(script);
    dir = writeProviderProject(models.url);
    dev = await startDevProcess(["--port", "0"], { cwd: dir, env: env() });
  });
  afterAll(async () => {
    dev?.child.kill("SIGTERM");
    await dev?.exited;
    await models?.close();
  });

  describe.each(agents)("$slug ($format)", ({ slug, provider, model, format }) => {
    it("records a tool call round trip: messages, thought, tool result, model calls with tokens and cost, trace", async () => {
      const answered = await prompt(slug, "Where is order A-17 now?");
      expect(answered.code).toBe(0);
      const { json } = answered;
      expect(json.status).toBe("success");
      expect(models.requests.filter((r) => r.format === format).length).toBeGreaterThanOrEqual(2);

      const session = await cliJson<{
        status: string;
        source: string;
        models: string[];
        services: string[];
        tokens: { input: number; output: number; cacheRead: number };
        totalCost: number;
        messages: Prompted["messages"];
        trace: { spans: { name: string; parentSpanId?: string }[]; logs: { message: string }[] };
      }>("agents", "sessions", "get", slug, json.sessionId, "--include", "messages,trace");
      const run = session.json;
      expect(run).toMatchObject({
        status: "success",
        source: "cli",
        models: [`${provider}/${model}`],
        services: ["orders-db"],
      });
      const parts = run.messages.flatMap((m) => m.parts);
      expect(parts).toContainEqual(expect.objectContaining({ type: "thought", text: "I should look up the order." }));
      expect(parts).toContainEqual(
        expect.objectContaining({ type: "tool_call", name: "lookup-order", arguments: { orderId: "A-17" } }),
      );
      expect(parts).toContainEqual(
        expect.objectContaining({
          type: "tool_result",
          name: "lookup-order",
          result: { orderId: "A-17", status: "shipped" },
        }),
      );
      expect(parts.filter((p) => p.type === "text").at(-1)?.text).toContain("Done:");
      expect(run.tokens).toMatchObject({ input: 2400, output: 160, cacheRead: 400 });
      const priced = modelCost(provider, model, {
        inputTokens: 1200,
        outputTokens: 80,
        cacheReadTokens: 200,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      });
      expect(run.totalCost).toBeCloseTo(2 * (priced ?? 0), 10);
      if (provider !== "compat") expect(run.totalCost).toBeGreaterThan(0);
      const names = run.trace.spans.map((s) => s.name).sort();
      expect(names).toEqual(
        [`chat ${model}`, `chat ${model}`, "execute_tool lookup-order", `invoke_agent ${slug}`].sort(),
      );
      expect(run.trace.logs.map((l) => l.message)).toEqual(["looking up A-17"]);
      const second = models.requests.filter((r) => r.format === format).at(-1);
      expect(second?.messages.some((m) => m.role === "tool" && m.text.includes("shipped"))).toBe(true);
    });

    it("continues the session with --session-id on the same run, sending the earlier turn as context", async () => {
      const first = await prompt(slug, "My name is Ada.");
      const second = await prompt(slug, "What is my name?", "--session-id", first.json.sessionId);
      expect(second.json.runId).toBe(first.json.runId);
      const last = models.requests.at(-1);
      expect(last?.messages.map((m) => m.text)).toEqual(
        expect.arrayContaining(["My name is Ada.", "You said: My name is Ada.", "What is my name?"]),
      );
      const session = await cliJson<{ messageCount: number }>("agents", "sessions", "get", slug, first.json.sessionId);
      expect(session.json.messageCount).toBe(4);
    });
  });

  it("runs a subagent as its own run, linked both ways", async () => {
    const { json } = await prompt("claude", "Please ask the helper about the warranty.");
    expect(json.status).toBe("success");
    const call = json.messages.flatMap((m) => m.parts).find((p) => p.type === "tool_call" && p.name === "helper");
    const childRunId = call?.childRunId as string;
    expect(childRunId).toMatch(/^run_/);
    const child = await cliJson<{
      source: string;
      parentRunId: string;
      parentToolCallId: string;
      models: string[];
      status: string;
    }>("history", "get", childRunId);
    expect(child.json).toMatchObject({
      source: "agent",
      parentRunId: json.runId,
      parentToolCallId: "call_helper",
      models: ["anthropic/claude-haiku-4-5"],
      status: "success",
    });
    const parent = await cliJson<{ childRunIds: string[] }>("history", "get", json.runId);
    expect(parent.json.childRunIds).toEqual([childRunId]);
  });

  it("shows a tool that throws as the tool call's error", async () => {
    const { json } = await prompt("gpt", "Where is order BAD now?");
    const result = json.messages.flatMap((m) => m.parts).find((p) => p.type === "tool_result");
    expect(result).toMatchObject({ name: "lookup-order", error: { message: "orders-db refused BAD" } });
  });

  it.each([
    [
      "fail-500",
      "claude",
      { message: expect.stringMatching(/error/i), details: expect.objectContaining({ statusCode: 500 }) },
    ],
    ["hang", "compat", { name: "TimeoutError", message: "The model did not answer within 2000 ms" }],
    ["garbage", "gpt", { message: expect.any(String) }],
  ])("ends the session failed with the error recorded when the model endpoint sends %s", async (fault, slug, error) => {
    const failed = await prompt(slug, `please ${fault}`);
    expect(failed.code).toBe(1);
    expect(failed.json).toMatchObject({ status: "failed", error });
    const list = await cliJson<{ runs: { runId: string; status: string; errorSummary: string }[] }>(
      "history",
      "list",
      "--status",
      "failed",
    );
    expect(list.json.runs.find((r) => r.runId === failed.json.runId)).toMatchObject({
      status: "failed",
      errorSummary: expect.any(String),
    });
  });

  it("refuses an unknown agent, naming the known ones, and an empty message", async () => {
    const unknown = await prompt("nobody", "hi");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No agent "nobody"');
    expect(unknown.stderr).toContain("Known agents: claude, compat, gpt, helper");
    const empty = await prompt("claude", "  ");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("--message");
  });

  it("cancels a running session: the prompt ends canceled and History says so", async () => {
    const pending = prompt("claude", "This needs approval.", "--session-id", "ses_cancel_me");
    await waitFor(
      async () =>
        (await cli("agents", "sessions", "get", "claude", "ses_cancel_me", "--field", "status")).stdout.trim() ===
        "running",
    );
    const canceled = await cliJson<{ status: string }>("agents", "sessions", "cancel", "claude", "ses_cancel_me");
    expect(canceled.json.status).toBe("canceled");
    const ended = await pending;
    expect(ended.code).toBe(1);
    expect(ended.json.status).toBe("canceled");
  });

  it("reloads the project when a file changes", async () => {
    const file = join(dir, "src/agents/agents.ts");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        'description: "Knows the warranty"',
        'description: "Knows the warranty, edited"',
      ),
    );
    await waitFor(() => dev.output().stdout.includes("Reloaded"));
    const list = await cliJson<{ agents: { slug: string; description: string }[] }>("agents", "list");
    expect(list.json.agents.find((a) => a.slug === "helper")?.description).toBe("Knows the warranty, edited");
  });

  it("marks a session failed (interrupted) when the server was killed during it", async () => {
    const pending = prompt("claude", "This needs approval too.", "--session-id", "ses_killed");
    await waitFor(
      async () =>
        (await cli("agents", "sessions", "get", "claude", "ses_killed", "--field", "status")).stdout.trim() ===
        "running",
    );
    dev.child.kill("SIGKILL");
    await dev.exited;
    expect((await pending).code).toBe(1);
    dev = await startDevProcess(["--port", "0"], { cwd: dir, env: env() });
    expect(dev.output().stdout).toContain("Marked 1 session(s) interrupted");
    const session = await cliJson<{ status: string; error: { name: string } }>(
      "agents",
      "sessions",
      "get",
      "claude",
      "ses_killed",
    );
    expect(session.json).toMatchObject({ status: "failed", error: { name: "Interrupted" } });
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
