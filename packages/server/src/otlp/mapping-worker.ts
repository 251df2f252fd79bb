/**
 * The OTLP receiver's mapping thread (see mapping-thread.ts): undoes gzip, decodes each request
 * body and assembles its spans and log records into run batches, with the one TraceAssembler
 * that remembers traces across requests. How to hold each batch of a request again is kept here
 * until the receiver says how their append went, so those the store could not write are held
 * again.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type IngestBatch, KeystrokeError, storedBody } from "@keystroke/core";
import { spanHeadEnd } from "./map/span-events.js";
import { TraceAssembler, type TraceAssemblerOptions } from "./map/trace-assembler.js";
import type { FromMapper, MappedBatch, MappingError, ToMapper, WaitingRuns } from "./mapping-thread.js";
import { decodeBody, inflate } from "./otlp-body.js";

const port = parentPort;
if (port === null) throw new Error("mapping-worker.ts runs as a worker thread of the OTLP receiver");
const {
  maxBodyBytes,
  assembler: options,
  restore = [],
  rooted = [],
} = workerData as {
  maxBodyBytes: number;
  assembler?: TraceAssemblerOptions;
  restore?: WaitingRuns["traces"];
  rooted?: WaitingRuns["rooted"];
};
const assembler = new TraceAssembler(options);
for (const { run, traceIds } of rooted) assembler.rememberEnded(run, traceIds);
for (const { run, spans, logs } of restore) {
  try {
    assembler.restore(run, spans, logs);
  } catch {
    // A trace that cannot be taken back is not held again: its run still moves when its id comes.
  }
}
/**
 * How to hold again each batch of a request (or drain) whose append has not been settled yet:
 * only that, not the batches, whose events would otherwise outlive the reply (and cost every
 * collection of the young generation meanwhile a copy of them).
 */
const unsettled = new Map<number, ((() => void) | undefined)[]>();

function mappingError(thrown: unknown): MappingError {
  if (thrown instanceof KeystrokeError) {
    return { keystroke: true, code: thrown.code, message: thrown.message, hint: thrown.hint, details: thrown.details };
  }
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  return { keystroke: false, name: error.name, message: error.message, stack: error.stack };
}

const reply = (message: FromMapper) => port.postMessage(message);

/**
 * Batches cross to the receiver as the JSON the store keeps: copying strings across threads is
 * cheap, and the receiver's thread parses them faster than it would copy the objects, and then
 * need not serialize them again.
 */
const serialized = (batches: readonly IngestBatch[]): MappedBatch[] =>
  batches.map((batch) => {
    const bodies = batch.events.map(storedBody);
    const heads = batch.events.map((event, i) => spanHeadEnd(event, bodies[i] as string));
    return { runId: batch.runId, bodies, heads };
  });

/**
 * Sends mapped batches, keeping how to hold each again until settled. What cannot be sent is held
 * again at once (and the error thrown), as if the store had refused to write it.
 */
function send(id: number, batches: IngestBatch[], rejected: number, reason: string): void {
  const undo = batches.map((batch) => assembler.undoOf(batch));
  let mapped: MappedBatch[];
  try {
    mapped = serialized(batches);
  } catch (thrown) {
    // Last batch first: a later batch's hold may have let go of what an earlier one holds again.
    for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
    throw thrown;
  }
  unsettled.set(id, undo);
  reply({ type: "mapped", id, batches: mapped, rejected, reason });
}

async function handle(message: ToMapper): Promise<void> {
  switch (message.type) {
    case "map": {
      try {
        // The body's memory came over with the message: wrapped, not copied.
        const received = Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength);
        const body = await inflate(received, message.contentEncoding, maxBodyBytes);
        const { spans, logs } = decodeBody(body, message.encoding, message.signal);
        const { batches, rejected, reason } = assembler.assemble(message.project, spans, logs);
        send(message.id, batches, rejected, reason);
      } catch (thrown) {
        reply({ type: "failed", id: message.id, error: mappingError(thrown) });
      }
      return;
    }
    case "drain": {
      try {
        send(message.id, assembler.drain(message.all), 0, "");
      } catch (thrown) {
        reply({ type: "failed", id: message.id, error: mappingError(thrown) });
      }
      return;
    }
    case "settle": {
      const undo = unsettled.get(message.id) ?? [];
      unsettled.delete(message.id);
      // Last batch first (see send), and once each, should an index come twice.
      for (const index of [...message.giveBack].sort((x, y) => y - x)) {
        undo[index]?.();
        undo[index] = undefined;
      }
      return;
    }
  }
}

port.on("message", (message: ToMapper) => void handle(message));
