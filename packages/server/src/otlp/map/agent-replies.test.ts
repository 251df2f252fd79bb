/**
 * An agent's reply that its model calls say too, whatever order its spans come in and however
 * the store's writes fail and are retried (an exporter re-sends a whole refused request, beside a
 * span of another trace): the conversation the store keeps (each event id once) has the same
 * messages as when every span comes in one request.
 */
import type { IngestBatch, RunEvent } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import type { OtlpSpan } from "../otlp-model.js";
import { TraceAssembler } from "./trace-assembler.js";

const T0 = Date.parse("2026-11-28T10:00:00.000Z");
const TRACE = "a".repeat(32);
const ROOT = "00000000000000ff";

function span(n: number, traceId: string, attributes: Record<string, string>, parent?: string): OtlpSpan {
  return {
    traceId,
    spanId: n.toString(16).padStart(16, "0"),
    parentSpanId: parent,
    parentIsRemote: false,
    name: `span ${n}`,
    kind: 1,
    startMs: T0 + n,
    endMs: T0 + 1000 - n,
    attributes,
    events: [],
    statusCode: 0,
    statusMessage: "",
    resource: { "service.name": "shop" },
  };
}
const output = (text: string, thought?: string) =>
  JSON.stringify([
    {
      role: "assistant",
      parts: [...(thought ? [{ type: "reasoning", content: thought }] : []), { type: "text", content: text }],
    },
  ]);
const io = (text: string, thought?: string) => ({
  "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Where is it?" }] }]),
  "gen_ai.output.messages": output(text, thought),
});
const chat = (n: number, text: string, thought?: string, traceId = TRACE) =>
  span(n, traceId, { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", ...io(text, thought) }, ROOT);
const agent = (n: number, text: string, parent?: string) =>
  span(n, TRACE, { "gen_ai.operation.name": "invoke_agent", ...io(text) }, parent);

/** The conversation the store keeps: each event id once, as "role: part: text" rows, sorted. */
function kept(batches: IngestBatch[]): string[] {
  const seen = new Map<string, RunEvent>();
  for (const batch of batches) {
    if (batch.runId !== batches[0]?.runId) continue;
    for (const event of batch.events) if (!seen.has(event.eventId)) seen.set(event.eventId, event);
  }
  return [...seen.values()]
    .flatMap((e) =>
      e.type === "message.added"
        ? e.message.parts.map((p) => `${e.message.role}: ${p.type}: ${"text" in p ? p.text : ""}`)
        : [],
    )
    .sort();
}

/** A small deterministic random source, so a failure can be run again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const shapes: [string, OtlpSpan[]][] = [
  ["one model call", [agent(255, "It left."), chat(1, "It left.")]],
  ["two model calls saying the same", [agent(255, "It left."), chat(1, "It left."), chat(2, "It left.")]],
  ["nested agents", [agent(255, "It left."), agent(16, "It left.", ROOT), chat(1, "It left."), chat(2, "It left.")]],
  ["a model call that reasons", [agent(255, "It left."), chat(1, "It left.", "Ask the carrier.")]],
  [
    "two model calls that reason",
    [agent(255, "It left."), chat(1, "It left.", "Ask the carrier."), chat(2, "It left.", "Check again.")],
  ],
];

it.each(shapes)("keeps the messages of %s as in one request, in any order, through failed writes", (_, spans) => {
  const expected = kept(new TraceAssembler().assemble(undefined, structuredClone(spans), []).batches);
  const next = random(7);
  for (let round = 0; round < 400; round++) {
    const assembler = new TraceAssembler();
    const written: IngestBatch[] = [];
    // Each request: one span of the trace, and one of another trace whose batch may fail too.
    const pending = [...spans]
      .sort(() => next() - 0.5)
      .map((s, i) => [s, chat(1, "Other.", undefined, (i + 1).toString(16).padStart(32, "0"))]);
    const unsettled: { request: OtlpSpan[]; batches: IngestBatch[]; failed: number[] }[] = [];
    for (let step = 0; step < 200 && (pending.length > 0 || unsettled.length > 0); step++) {
      if (unsettled.length > 0 && (pending.length === 0 || next() < 0.5)) {
        // The receiver hears how a request's append went: what failed is given back, last first,
        // and the exporter sends the whole request again.
        const [settled] = unsettled.splice(Math.floor(next() * unsettled.length), 1);
        if (settled === undefined) continue;
        for (const index of [...settled.failed].reverse()) assembler.giveBack(settled.batches[index] as IngestBatch);
        if (settled.failed.length > 0) pending.splice(Math.floor(next() * (pending.length + 1)), 0, settled.request);
      } else {
        const [request] = pending.splice(Math.floor(next() * Math.min(2, pending.length)), 1);
        if (request === undefined) continue;
        const batches = assembler.assemble(undefined, structuredClone(request), [], T0).batches;
        const failed: number[] = [];
        batches.forEach((batch, index) => {
          if (next() < 0.3) failed.push(index);
          else written.push(batch);
        });
        unsettled.push({ request, batches, failed });
      }
    }
    written.push(...assembler.drain(true, T0 + 1e9));
    const ofTrace = (b: IngestBatch) => b.events.some((e) => e.type === "span.recorded" && e.span.traceId === TRACE);
    const runId = written.find(ofTrace)?.runId;
    expect(kept(written.filter((b) => b.runId === runId)), `round ${round}`).toEqual(expected);
  }
});

describe("an agent's answer come before its model call, when a write is given back", () => {
  const conversation = { "gen_ai.conversation.id": "c-1" };
  const answer = (n: number) =>
    span(
      n,
      TRACE,
      { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", ...io("It left."), ...conversation },
      ROOT,
    );
  const root = span(255, TRACE, { "gen_ai.operation.name": "invoke_agent", ...io("It left."), ...conversation });
  const look = span(
    1,
    TRACE,
    { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", ...io("Let me look.") },
    ROOT,
  );
  /** The conversation's run as the store keeps it: the run the root was written to. */
  const said = (batches: IngestBatch[]) => {
    const runId = batches.find((b) =>
      b.events.some((e) => e.type === "span.recorded" && e.span.spanId === root.spanId),
    )?.runId;
    return kept(batches.filter((b) => b.runId === runId));
  };

  it("keeps it once when the move into the conversation is given back after the answer was written", () => {
    const expected = said(new TraceAssembler().assemble(undefined, [look, answer(3), root], []).batches);
    const assembler = new TraceAssembler();
    const written = [...assembler.assemble(undefined, [structuredClone(look)], []).batches];
    // The root moves the trace into the conversation's run and says the answer; the store refuses it.
    const moved = assembler.assemble(undefined, [structuredClone(root)], []).batches;
    // The model call that said the answer, beside a span of another trace the store refuses.
    const other = chat(1, "Other.", undefined, "b".repeat(32));
    const [mine, theirs] = assembler.assemble(undefined, [structuredClone(answer(3)), other], []).batches;
    written.push(mine as IngestBatch);
    assembler.giveBack(theirs as IngestBatch);
    for (const batch of moved) assembler.giveBack(batch);
    // The exporter sends both requests again.
    written.push(...assembler.assemble(undefined, [structuredClone(answer(3)), other], []).batches);
    written.push(...assembler.assemble(undefined, [structuredClone(root)], []).batches);
    written.push(...assembler.drain(true));
    expect(said(written)).toEqual(expected);
  });

  it("keeps another model call's same words when one copy of a request is given back and another written", () => {
    const agentFirst = agent(255, "It left.");
    const [first, second] = [chat(1, "It left."), chat(4, "It left.")];
    const expected = kept(new TraceAssembler().assemble(undefined, [agentFirst, first, second], []).batches);
    const assembler = new TraceAssembler();
    const written = [...assembler.assemble(undefined, [structuredClone(agentFirst)], []).batches];
    // The exporter times out on a slow append and sends the request again; the second copy is
    // written, then the first one's append fails.
    const slow = assembler.assemble(undefined, [structuredClone(first)], []).batches;
    written.push(...assembler.assemble(undefined, [structuredClone(first)], []).batches);
    for (const batch of slow) assembler.giveBack(batch);
    written.push(...assembler.assemble(undefined, [structuredClone(second)], []).batches);
    expect(kept(written)).toEqual(expected);
  });
});
