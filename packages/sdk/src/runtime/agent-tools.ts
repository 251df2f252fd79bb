/**
 * An agent's tools as the AI SDK sees them. Actions run with a context whose logs land on the
 * run; subagents run as runs of their own, linked to this run and the tool call. Each execution
 * records an `execute_tool` span; the conversation parts (call, result, error) are recorded by
 * the turn from the model stream, so they follow the assistant message they belong to.
 */
import { GenAI, Otel } from "@keystroke/core";
import { newSpanId } from "@keystroke/core/ids";
import { type Tool, tool } from "ai";
import { z } from "zod";
import type { Action } from "../action/define-action.js";
import { type Agent, isAgent } from "../agent/define-agent.js";
import type { RunRecorder } from "./run-recorder.js";

export interface ToolRunContext {
  recorder: RunRecorder;
  traceId: string;
  /** The invoke_agent span of the turn: parent of every execute_tool span. */
  turnSpanId: string;
  signal: AbortSignal;
  /** The child run id of a subagent tool call, chosen once per call id. */
  childRunId(toolCallId: string): string;
  runSubagent(
    agent: Agent,
    message: string,
    link: { toolCallId: string; childRunId: string; spanId: string },
  ): Promise<string>;
}

function recordToolSpan(
  context: ToolRunContext,
  span: {
    spanId: string;
    name: string;
    toolCallId: string;
    startTime: string;
    error?: unknown;
    attributes?: Record<string, unknown>;
  },
): void {
  const failed = span.error !== undefined;
  context.recorder.emit({
    type: "span.recorded",
    span: {
      traceId: context.traceId,
      spanId: span.spanId,
      parentSpanId: context.turnSpanId,
      name: `execute_tool ${span.name}`,
      kind: "internal",
      startTime: span.startTime,
      endTime: new Date().toISOString(),
      status: failed
        ? { code: "error", message: span.error instanceof Error ? span.error.message : String(span.error) }
        : { code: "ok" },
      attributes: {
        [GenAI.operationName]: "execute_tool",
        [GenAI.toolName]: span.name,
        [GenAI.toolCallId]: span.toolCallId,
        ...(failed ? { [Otel.errorType]: span.error instanceof Error ? span.error.name : "Error" } : {}),
        ...span.attributes,
      },
      events: [],
    },
  });
}

function actionTool(action: Action, context: ToolRunContext, servicesSeen: Set<string>): Tool {
  return tool({
    description: action.description,
    inputSchema: action.input,
    execute: async (input: unknown, { toolCallId }) => {
      const spanId = newSpanId();
      const startTime = new Date().toISOString();
      if (action.service && !servicesSeen.has(action.service)) {
        servicesSeen.add(action.service);
        context.recorder.emit({ type: "service.used", service: action.service });
      }
      const attributes = action.service ? { "keystroke.service": action.service } : {};
      try {
        const output = await action.invoke(input, {
          signal: context.signal,
          log: (level, message, logAttributes = {}) =>
            context.recorder.emit({
              type: "log.recorded",
              log: { time: new Date().toISOString(), level, message, attributes: logAttributes, spanId },
            }),
        });
        recordToolSpan(context, { spanId, name: action.slug, toolCallId, startTime, attributes });
        return output;
      } catch (error) {
        recordToolSpan(context, { spanId, name: action.slug, toolCallId, startTime, error, attributes });
        throw error;
      }
    },
  });
}

function subagentTool(agent: Agent, context: ToolRunContext): Tool {
  return tool({
    description: agent.description,
    inputSchema: z.object({ message: z.string().min(1).describe(`What to ask the ${agent.name} agent`) }),
    execute: async ({ message }, { toolCallId }) => {
      const spanId = newSpanId();
      const startTime = new Date().toISOString();
      const childRunId = context.childRunId(toolCallId);
      const attributes = { "keystroke.child_run_id": childRunId };
      try {
        const answer = await context.runSubagent(agent, message, { toolCallId, childRunId, spanId });
        recordToolSpan(context, { spanId, name: agent.slug, toolCallId, startTime, attributes });
        return answer;
      } catch (error) {
        recordToolSpan(context, { spanId, name: agent.slug, toolCallId, startTime, error, attributes });
        throw error;
      }
    },
  });
}

/** The AI SDK tool set of `agent`, keyed by slug. */
export function agentTools(agent: Agent, context: ToolRunContext): Record<string, Tool> {
  const servicesSeen = new Set<string>();
  const tools: Record<string, Tool> = {};
  for (const entry of agent.tools) {
    tools[entry.slug] = isAgent(entry) ? subagentTool(entry, context) : actionTool(entry, context, servicesSeen);
  }
  return tools;
}
