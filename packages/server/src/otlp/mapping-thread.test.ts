import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { gzipSync } from "node:zlib";
import { asStored, type KeystrokeError, type RunEvent, storedBody } from "@keystroke/core";
import { afterEach, describe, expect, it } from "vitest";
import { testSpan, tracesBody } from "../testing/otlp-test-server.js";
import { TraceAssembler } from "./map/trace-assembler.js";
import { MappingThread, type MappingThreadOptions, startMappingWorker, wholeEvents } from "./mapping-thread.js";
import { decodeBody } from "./otlp-body.js";

const logged: Error[] = [];
let mapper: MappingThread;

const traced = (body: Buffer) => ({
  body,
  contentEncoding: undefined,
  encoding: "protobuf" as const,
  signal: "traces" as const,
  project: "shop",
});

const chat = (n: number, text: string) =>
  testSpan(n, {
    parentSpanId: "00000000000000ff",
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Weather?" }] }]),
      "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: text }] }]),
    },
  });
const root = () =>
  testSpan(255, { name: "invoke_agent weather", attributes: { "gen_ai.operation.name": "invoke_agent" } });

afterEach(async () => {
  await mapper.close();
  logged.length = 0;
});

function start(maxBodyBytes = 1024 * 1024): MappingThread {
  mapper = new MappingThread({ maxBodyBytes, log: (error) => logged.push(error) });
  return mapper;
}

/** Starts `mapper` (with `options`), keeping in the array returned each thread it starts. */
function startKeepingThreads(options: Partial<MappingThreadOptions> = {}): Worker[] {
  const workers: Worker[] = [];
  mapper = new MappingThread({
    maxBodyBytes: 1024 * 1024,
    log: (error) => logged.push(error),
    startWorker: (data) => {
      const worker = startMappingWorker(data);
      workers.push(worker);
      return worker;
    },
    ...options,
  });
  return workers;
}

/** Stops a mapping thread as if it had died. */
async function stop(worker: Worker): Promise<void> {
  const exited = once(worker, "exit");
  await worker.terminate();
  await exited;
}

describe("MappingThread", () => {
  it("maps on its own thread what the assembler would map here, with each event's stored JSON", async () => {
    const requests = [tracesBody([chat(1, "Sunny.")]), tracesBody([root(), chat(2, "Still sunny.")])];
    const here = new TraceAssembler();
    const expected = requests.map((body) => {
      const { spans, logs } = decodeBody(body, "protobuf", "traces");
      return here.assemble("shop", spans, logs).batches;
    });
    start();
    for (const [i, body] of requests.entries()) {
      const mapped = await mapper.map(traced(body));
      expect(mapped.batches.map((b) => b.runId)).toEqual(expected[i]?.map((b) => b.runId));
      const wanted = expected[i]?.map((b) => b.events.map((event) => JSON.parse(storedBody(event)) as RunEvent));
      expect(mapped.batches.map((b) => b.bodies)).toEqual(expected[i]?.map((b) => b.events.map(storedBody)));
      // A span's event is parsed from its head: what the store reads, the model call included.
      expect(mapped.batches.map((b) => b.events)).toEqual(
        wanted?.map((events) =>
          events.map((event) => {
            if (event.type !== "span.recorded") return event;
            const { spanId, startTime } = event.span;
            return { ...event, span: { spanId, startTime } };
          }),
        ),
      );
      expect(wanted?.flat().some((event) => event.type === "span.recorded" && event.model !== undefined)).toBe(true);
      // Whole again, as stored, for a follower of the run.
      expect(
        mapped.batches.map((b) => {
          const stored = b.events.map((event, seq) => asStored(event, b.runId, seq + 1, true));
          return wholeEvents(stored, b).map(({ runId: _r, seq: _s, ...whole }) => whole);
        }),
      ).toEqual(wanted);
      mapper.settle(mapped.id, []);
    }
    // The second request's batch carries the conversation held since the first.
    expect(expected[1]?.[0]?.events.some((e) => e.type === "message.added")).toBe(true);
  });

  it("hands the receiver the error it answers with: what was wrong, and the hint", async () => {
    start(2048);
    const undecodable = mapper.map(traced(tracesBody([testSpan(1)]).subarray(0, 20)));
    await expect(undecodable).rejects.toMatchObject({ code: "invalid_input", message: /Undecodable OTLP body/ });
    const bomb = mapper.map({ ...traced(gzipSync(Buffer.alloc(100_000))), contentEncoding: "gzip" });
    await expect(bomb).rejects.toMatchObject({ code: "payload_too_large", hint: /maxExportBatchSize/ });
    // The thread goes on mapping after refusing a request.
    expect((await mapper.map(traced(tracesBody([testSpan(2)])))).batches).toHaveLength(1);
    expect(logged).toEqual([]);
  });

  it("holds again what a batch took from memory when the store could not write it", async () => {
    start();
    mapper.settle((await mapper.map(traced(tracesBody([chat(1, "Sunny.")])))).id, []);
    const withRoot = await mapper.map(traced(tracesBody([root()])));
    expect(withRoot.batches[0]?.events.filter((e) => e.type === "message.added")).toHaveLength(2);
    mapper.settle(withRoot.id, [0]);
    // What was given back waits for its root again, so closing writes the conversation.
    const drained = await mapper.drain(true);
    expect(drained.batches[0]?.events.filter((e) => e.type === "message.added")).toHaveLength(2);
  });

  it("holds again the batches of a request the store could not write, last first, so none lets go of another", async () => {
    mapper = new MappingThread({
      maxBodyBytes: 1024 * 1024,
      log: (error) => logged.push(error),
      assembler: { maxHeld: 5 },
    });
    // A trace whose model call carries no messages waits for its log records, tool call and all.
    const waiting = (traceId: string) =>
      tracesBody([
        testSpan(1, { traceId, parentSpanId: "00000000000000ff" }),
        testSpan(2, {
          traceId,
          parentSpanId: "00000000000000ff",
          name: "execute_tool lookup",
          attributes: {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "lookup",
            "gen_ai.tool.call.id": `call-${traceId.slice(0, 4)}`,
            "gen_ai.tool.call.arguments": "{}",
            "gen_ai.tool.call.result": '{"ok":true}',
          },
        }),
        { ...root(), traceId },
      ]);
    mapper.settle((await mapper.map(traced(waiting("a".repeat(32))))).id, []);
    // The second trace's hold lets go of the first (a batch of its own before the second's).
    const second = await mapper.map(traced(waiting("b".repeat(32))));
    const said = (batches: { events: { type: string }[] }[]) =>
      batches.flatMap((b) => b.events.filter((e) => e.type === "message.added"));
    expect(second.batches).toHaveLength(2);
    expect(said(second.batches)).toHaveLength(2);
    mapper.settle(second.id, [0, 1]);
    // As before the request: the first trace waits again (the exporter's retry brings the second),
    // and nothing is let go of to be written early.
    expect(said((await mapper.drain(false)).batches)).toEqual([]);
    expect(said((await mapper.drain(true)).batches)).toHaveLength(2);
  });

  it("refuses requests in flight and after it closed with a retryable error", async () => {
    start();
    const inFlight = mapper.map(traced(tracesBody([testSpan(1)])));
    await mapper.close();
    await expect(inFlight).rejects.toMatchObject({ code: "unavailable" } satisfies Partial<KeystrokeError>);
    await expect(mapper.map(traced(tracesBody([testSpan(2)])))).rejects.toMatchObject({ code: "unavailable" });
    expect(await mapper.drain(true)).toMatchObject({ batches: [] });
  });

  it("maps the next request on a new thread when its thread dies", async () => {
    const workers = startKeepingThreads();
    const first = await mapper.map(traced(tracesBody([root(), chat(1, "Sunny.")])));
    mapper.settle(first.id, []);
    await stop(workers[0] as Worker);

    const next = await mapper.map(
      traced(
        tracesBody([
          testSpan(9, {
            name: "invoke_agent weather",
            attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "c-2" },
          }),
        ]),
      ),
    );
    expect(workers).toHaveLength(2);
    expect(next.batches.map((batch) => batch.events.map((event) => event.type))).toEqual([
      ["run.created", "run.started", "span.recorded", "run.finished"],
    ]);
    expect(logged.map((error) => error.message)).toEqual(["The OTLP mapping thread exited with code 1"]);
  });

  it("tells each thread it starts which runs may wait for their conversation id, read again for the next", async () => {
    const reads: string[][] = [];
    let waiting: string[] = [];
    const workers = startKeepingThreads({
      waitingRuns: async () => {
        reads.push(waiting);
        return { runIds: waiting, traces: [], rooted: [] };
      },
    });
    const first = await mapper.map(traced(tracesBody([chat(1, "Sunny.")])));
    mapper.settle(first.id, []);
    // The model call's trace is filed under a run of its own: the store would now list it.
    waiting = first.batches.map((batch) => batch.runId);
    await stop(workers[0] as Worker);

    const withConversation = testSpan(255, {
      name: "invoke_agent weather",
      attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "c-3" },
    });
    // Two requests come while the new thread's list is read: both are mapped, in order.
    const [next, again] = await Promise.all([
      mapper.map(traced(tracesBody([withConversation]))),
      mapper.map(traced(tracesBody([chat(2, "Still sunny.")]))),
    ]);
    expect(reads).toEqual([[], waiting]);
    expect(workers).toHaveLength(2);
    expect(next.batches[0]?.events.filter((event) => event.type === "run.absorbed")).toMatchObject([
      { fromRunId: waiting[0] },
    ]);
    expect(again.batches[0]?.runId).toBe(next.batches[0]?.runId);
  });

  it("starts its thread without the runs that may wait when reading them fails, and says why", async () => {
    mapper = new MappingThread({
      maxBodyBytes: 1024 * 1024,
      log: (error) => logged.push(error),
      waitingRuns: () => Promise.reject(new Error("database is locked")),
    });
    const mapped = await mapper.map(traced(tracesBody([root()])));
    expect(mapped.batches).toHaveLength(1);
    expect(logged.map((error) => error.message)).toEqual(["database is locked"]);
  });

  it("waits longer each time before starting again a thread that cannot start", async () => {
    let starts = 0;
    mapper = new MappingThread({
      maxBodyBytes: 1024 * 1024,
      log: (error) => logged.push(error),
      startWorker: (data) => {
        starts++;
        // The first two starts fail as a broken install would; the third thread works.
        return starts <= 2 ? new Worker("throw new Error('broken install')", { eval: true }) : startMappingWorker(data);
      },
    });
    const request = () => mapper.map(traced(tracesBody([root()])));
    await expect(request()).rejects.toMatchObject({ code: "unavailable" } satisfies Partial<KeystrokeError>);
    // Within the next second every request is refused at once, without starting a thread.
    await expect(request()).rejects.toMatchObject({ code: "unavailable" });
    expect(starts).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(request()).rejects.toMatchObject({ code: "unavailable" });
    expect(starts).toBe(2);
    // Now two seconds.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(request()).rejects.toMatchObject({ code: "unavailable" });
    expect(starts).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const mapped = await request();
    expect(starts).toBe(3);
    expect(mapped.batches).toHaveLength(1);
    expect(logged.map((error) => error.message)).toEqual(["broken install", "broken install"]);
  });
});
