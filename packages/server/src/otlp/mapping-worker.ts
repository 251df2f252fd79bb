/**
 * The OTLP receiver's mapping thread (see mapping-thread.ts): undoes gzip, decodes each request
 * body and assembles its spans and log records into run batches, with the one TraceAssembler
 * that remembers traces across requests. The batches of a request are kept here until the
 * receiver says how their append went, so those the store could not write are held again.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type IngestBatch, KeystrokeError, storedBody } from "@keystroke/core";
import { TraceAssembler } from "./map/trace-assembler.js";
import type { FromMapper, MappedBatch, MappingError, ToMapper } from "./mapping-thread.js";
import { decodeBody, inflate } from "./otlp-body.js";

const port = parentPort;
if (port === null) throw new Error("mapping-worker.ts runs as a worker thread of the OTLP receiver");
const { maxBodyBytes } = workerData as { maxBodyBytes: number };
const assembler = new TraceAssembler();
/** The batches of each request (and drain) whose append has not been settled yet. */
const unsettled = new Map<number, IngestBatch[]>();

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
  batches.map((batch) => ({ runId: batch.runId, bodies: batch.events.map(storedBody) }));

/**
 * Sends mapped batches, kept until settled. What cannot be sent is held again at once (and the
 * error thrown), as if the store had refused to write it.
 */
function send(id: number, batches: IngestBatch[], rejected: number, reason: string): void {
  let mapped: MappedBatch[];
  try {
    mapped = serialized(batches);
  } catch (thrown) {
    for (const batch of batches) assembler.giveBack(batch);
    throw thrown;
  }
  unsettled.set(id, batches);
  reply({ type: "mapped", id, batches: mapped, rejected, reason });
}

async function handle(message: ToMapper): Promise<void> {
  switch (message.type) {
    case "map": {
      try {
        const body = await inflate(Buffer.from(message.body), message.contentEncoding, maxBodyBytes);
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
      const batches = unsettled.get(message.id) ?? [];
      unsettled.delete(message.id);
      for (const index of message.giveBack) {
        const batch = batches[index];
        if (batch !== undefined) assembler.giveBack(batch);
      }
      return;
    }
  }
}

port.on("message", (message: ToMapper) => void handle(message));
