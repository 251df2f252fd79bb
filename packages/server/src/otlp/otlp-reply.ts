/**
 * OTLP/HTTP answers in the encoding of the request: an Export*ServiceResponse on success (with
 * `partial_success` when items were refused) and a `google.rpc.Status` on failure — protobuf for
 * protobuf requests, JSON for JSON ones. The JSON Status also carries Keystroke's usual `error`
 * object, which OTLP clients ignore as an unknown field.
 */
import type { KeystrokeError } from "@keystroke/core";
import type { FastifyReply } from "fastify";
import { ProtoWriter } from "./wire/proto-writer.js";

export type OtlpEncoding = "protobuf" | "json";
export type OtlpSignal = "traces" | "logs";

const contentTypes: Record<OtlpEncoding, string> = { protobuf: "application/x-protobuf", json: "application/json" };

/** gRPC status codes by HTTP status, for the Status message. */
const grpcCodes: Record<number, number> = { 400: 3, 413: 3, 415: 3, 429: 8, 503: 14, 502: 14, 504: 4 };

export function sendExportResponse(
  reply: FastifyReply,
  encoding: OtlpEncoding,
  signal: OtlpSignal,
  rejected: number,
  errorMessage: string,
): FastifyReply {
  reply.status(200).header("content-type", contentTypes[encoding]);
  if (encoding === "json") {
    if (rejected === 0 && errorMessage === "") return reply.send("{}");
    const count = signal === "traces" ? "rejectedSpans" : "rejectedLogRecords";
    return reply.send(JSON.stringify({ partialSuccess: { [count]: String(rejected), errorMessage } }));
  }
  const body = new ProtoWriter();
  if (rejected > 0 || errorMessage !== "") body.message(1, (p) => p.int(1, rejected).string(2, errorMessage));
  return reply.send(body.finish());
}

export function sendStatus(reply: FastifyReply, encoding: OtlpEncoding, error: KeystrokeError): FastifyReply {
  const status = error.httpStatus;
  const code = grpcCodes[status] ?? 13;
  reply.status(status).header("content-type", contentTypes[encoding]);
  if (status === 429 || status === 503) reply.header("retry-after", "1");
  if (encoding === "json") return reply.send(JSON.stringify({ code, message: error.message, ...error.toBody() }));
  return reply.send(new ProtoWriter().int(1, code).string(2, error.message).finish());
}
