/**
 * Reading an OTLP request body: the encoding from Content-Type, gzip undone with the same cap
 * as the raw body (so a small compressed body cannot expand past it), then decoding.
 */
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { KeystrokeError } from "@keystroke/core";
import { formatBytes } from "../errors/format-bytes.js";
import { parseJsonBody } from "../errors/json-body-parser.js";
import type { OtlpLogRecord, OtlpSpan } from "./otlp-model.js";
import type { OtlpEncoding, OtlpSignal } from "./otlp-reply.js";
import { decodeLogsJson, decodeTracesJson } from "./wire/decode-json.js";
import { decodeLogsProto, decodeTracesProto } from "./wire/decode-proto.js";

const gunzipAsync = promisify(gunzip);

/** The encoding a Content-Type names, or undefined for one OTLP does not define. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? "").split(";", 1)[0]?.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json") return "json";
  return undefined;
}

export function tooLarge(limit: number): KeystrokeError {
  return new KeystrokeError("payload_too_large", `OTLP body is larger than the limit of ${formatBytes(limit)}`, {
    hint: "Export smaller batches (e.g. maxExportBatchSize of the batch span processor), or raise --otlp-max-body",
    details: { limitBytes: limit },
  });
}

/** The body with its Content-Encoding undone. */
export async function inflate(body: Buffer, contentEncoding: string | undefined, limit: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? "identity").trim().toLowerCase();
  if (encoding === "identity" || encoding === "") return body;
  if (encoding !== "gzip") {
    throw new KeystrokeError("unsupported_media_type", `Unsupported Content-Encoding "${encoding}"`, {
      hint: "Send the body uncompressed or with Content-Encoding: gzip",
    });
  }
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(limit);
    throw new KeystrokeError("invalid_input", `Undecodable OTLP body: not valid gzip (${(error as Error).message})`, {
      hint: "Compress the body with gzip, or leave out Content-Encoding",
    });
  }
}

export interface Decoded {
  spans: OtlpSpan[];
  logs: OtlpLogRecord[];
}

export function decodeBody(body: Buffer, encoding: OtlpEncoding, signal: OtlpSignal): Decoded {
  if (encoding === "protobuf") {
    return signal === "traces"
      ? { spans: decodeTracesProto(body), logs: [] }
      : { spans: [], logs: decodeLogsProto(body) };
  }
  const json = parseJsonBody(body.toString("utf8"));
  return signal === "traces" ? { spans: decodeTracesJson(json), logs: [] } : { spans: [], logs: decodeLogsJson(json) };
}
