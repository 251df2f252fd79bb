/**
 * Hostile bodies at both OTLP endpoints: truncated and corrupted protobuf, broken and wrongly
 * typed JSON, nesting far past the limit, strings past the size cap, broken gzip — a few
 * thousand of them from a seeded generator. Every one must get a 4xx, the server must keep
 * serving, and the run recorded before must read back exactly as it was.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  jsonHeaders as json,
  type OtlpTestServer,
  post,
  protobufHeaders as proto,
  startOtlpTestServer,
  T0,
  testSpan,
  tracesBody,
} from "../testing/otlp-test-server.js";
import { seededRandom } from "../testing/seeded-random.js";
import { ProtoWriter } from "./wire/proto-writer.js";

const BODIES = 2000;
const CAP = 128 * 1024;

interface Body {
  kind: string;
  path: "/v1/traces" | "/v1/logs";
  body: Buffer | string;
  headers: Record<string, string>;
}

function validJson(): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "fuzz" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: "5b8aa5a2d2c872e8321cf37308d69df2",
                spanId: "00000000000000f1",
                name: "chat",
                kind: 1,
                startTimeUnixNano: String(T0 * 1e6),
                endTimeUnixNano: String((T0 + 5) * 1e6),
                attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "chat" } }],
                status: { code: 0 },
                events: [],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** Paths into validJson() and a value of the wrong type for each. */
const wrongTypes: [string[], unknown][] = [
  [["resourceSpans"], "spans"],
  [["resourceSpans", "0", "scopeSpans"], 5],
  [["resourceSpans", "0", "scopeSpans", "0", "spans"], { not: "a list" }],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "traceId"], 7],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "traceId"], "zz8aa5a2d2c872e8321cf37308d69df2"],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "spanId"], "abc"],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "name"], ["chat"]],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "kind"], "SPAN_KIND_SERVER"],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "startTimeUnixNano"], "yesterday"],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "endTimeUnixNano"], 1.5],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "startTimeUnixNano"], 1e300],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "startTimeUnixNano"], "-5"],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "attributes"], "gen_ai"],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "attributes", "0", "value"], { intValue: "1.5" }],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "attributes", "0", "value"], { boolValue: "yes" }],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "status"], []],
  [["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "events"], 3],
  [["resourceSpans", "0", "resource"], "fuzz"],
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1) as string] = value;
}

/** Nested arrays as JSON text, built as text since JSON.stringify itself runs out of stack. */
function nestedJson(depth: number): string {
  return `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"bottom"}${"]}}".repeat(depth)}`;
}

function nestedProto(depth: number): Buffer {
  let value = new ProtoWriter().string(1, "bottom").finish();
  for (let i = 0; i < depth; i++) {
    const list = new ProtoWriter().bytes(1, value).finish();
    value = new ProtoWriter().bytes(5, list).finish();
  }
  const span = new ProtoWriter()
    .bytes(1, Buffer.alloc(16, 1))
    .bytes(2, Buffer.alloc(8, 2))
    .string(5, "deep")
    .message(9, (kv) => kv.string(1, "deep").bytes(2, value))
    .finish();
  return new ProtoWriter().message(1, (rs) => rs.message(2, (ss) => ss.bytes(2, span))).finish();
}

function generate(random: () => number): Body {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)] as T;
  const base = tracesBody([testSpan(1 + Math.floor(random() * 50))]);
  const text = JSON.stringify(validJson());
  const path = random() < 0.8 ? "/v1/traces" : "/v1/logs";
  const kind = pick([
    "truncated protobuf",
    "protobuf with an invalid wire type",
    "random bytes",
    "protobuf length past the end",
    "protobuf nested too deep",
    "protobuf id of the wrong length",
    "protobuf field of the wrong wire type",
    "protobuf string past the cap",
    "broken gzip",
    "gzip of truncated protobuf",
    "truncated JSON",
    "JSON of the wrong type",
    "JSON nested too deep",
    "JSON string past the cap",
    "not JSON",
    "JSON prototype pollution",
    "JSON that is not an object",
  ]);
  switch (kind) {
    case "truncated protobuf":
      return {
        kind,
        path: "/v1/traces",
        body: base.subarray(0, 1 + Math.floor(random() * (base.length - 1))),
        headers: proto,
      };
    case "protobuf with an invalid wire type":
      return {
        kind,
        path,
        body: Buffer.concat([base, Buffer.from([0x0e | (Math.floor(random() * 2) ? 1 : 0), 0x01])]),
        headers: proto,
      };
    case "random bytes": {
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)),
      );
      bytes[0] = 0x0f;
      return { kind, path, body: bytes, headers: proto };
    }
    case "protobuf length past the end":
      return {
        kind,
        path,
        body: Buffer.concat([Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), base.subarray(2)]),
        headers: proto,
      };
    case "protobuf nested too deep":
      return { kind, path: "/v1/traces", body: nestedProto(33 + Math.floor(random() * 200)), headers: proto };
    case "protobuf id of the wrong length": {
      const length = pick([1, 5, 15, 17, 32]);
      const span = new ProtoWriter()
        .bytes(1, Buffer.alloc(length, 3))
        .bytes(2, Buffer.alloc(8, 4))
        .string(5, "x")
        .finish();
      const body = new ProtoWriter().message(1, (rs) => rs.message(2, (ss) => ss.bytes(2, span))).finish();
      return { kind, path: "/v1/traces", body, headers: proto };
    }
    case "protobuf field of the wrong wire type": {
      const span = new ProtoWriter()
        .bytes(1, Buffer.alloc(16, 3))
        .bytes(2, Buffer.alloc(8, 4))
        .int(pick([5, 7, 9, 15]), 9)
        .finish();
      const body = new ProtoWriter().message(1, (rs) => rs.message(2, (ss) => ss.bytes(2, span))).finish();
      return { kind, path: "/v1/traces", body, headers: proto };
    }
    case "protobuf string past the cap":
      return {
        kind,
        path: "/v1/traces",
        body: tracesBody([testSpan(2, { name: "x".repeat(CAP + 1) })]),
        headers: proto,
      };
    case "broken gzip":
      return {
        kind,
        path,
        body: Buffer.concat([Buffer.from([0x1f, 0x8b]), base]),
        headers: { ...proto, "content-encoding": "gzip" },
      };
    case "gzip of truncated protobuf":
      return {
        kind,
        path: "/v1/traces",
        body: gzipSync(base.subarray(0, base.length - 1)),
        headers: { ...proto, "content-encoding": "gzip" },
      };
    case "truncated JSON":
      return { kind, path, body: text.slice(0, Math.floor(random() * (text.length - 1))), headers: json };
    case "JSON of the wrong type": {
      const body = validJson();
      const [where, value] = pick(wrongTypes);
      setPath(body, where, value);
      return { kind, path: "/v1/traces", body: JSON.stringify(body), headers: json };
    }
    case "JSON nested too deep": {
      const body = validJson();
      setPath(body, ["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "attributes", "0", "value"], "DEEP");
      const deep = nestedJson(33 + Math.floor(random() * 20_000));
      return { kind, path: "/v1/traces", body: JSON.stringify(body).replace('"DEEP"', deep), headers: json };
    }
    case "JSON string past the cap": {
      const body = validJson();
      setPath(body, ["resourceSpans", "0", "scopeSpans", "0", "spans", "0", "name"], "y".repeat(CAP));
      return { kind, path: "/v1/traces", body: JSON.stringify(body), headers: json };
    }
    case "not JSON":
      return {
        kind,
        path,
        body: pick(["", "   ", "NaN", "{'single': 'quotes'}", "\u0000\u0001", base.toString("latin1")]),
        headers: json,
      };
    case "JSON prototype pollution":
      return { kind, path, body: '{"resourceSpans":[],"__proto__":{"polluted":true}}', headers: json };
    default:
      return { kind, path, body: pick(["[]", "42", '"spans"', "null", "true"]), headers: json };
  }
}

let server: OtlpTestServer;
beforeAll(async () => {
  server = await startOtlpTestServer({ maxBodyBytes: CAP });
});
afterAll(() => server.close());

it(`${BODIES} hostile bodies: each gets a 4xx, the server keeps serving, earlier data stays as it was`, async () => {
  const valid = tracesBody([
    testSpan(1),
    testSpan(2, { name: "invoke_agent", attributes: { "gen_ai.operation.name": "invoke_agent" } }),
  ]);
  expect((await post(`${server.url}/v1/traces`, valid, proto)).status).toBe(200);
  const before = await server.store.listRuns({});
  expect(before.runs).toHaveLength(1);
  const runId = before.runs[0]?.runId as string;
  const eventsBefore = await server.store.readEvents(runId, 0);

  const random = seededRandom(20261128);
  const seen = new Map<string, number>();
  for (let i = 0; i < BODIES; i++) {
    const { kind, path, body, headers } = generate(random);
    seen.set(kind, (seen.get(kind) ?? 0) + 1);
    const response = await post(`${server.url}${path}`, body, headers);
    await response.arrayBuffer();
    if (response.status < 400 || response.status >= 500) {
      throw new Error(`body ${i} (${kind}) to ${path} got ${response.status}`);
    }
    if (i % 250 === 0) expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  }
  expect(seen.size).toBe(17);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();

  expect((await post(`${server.url}/v1/traces`, valid, proto)).status).toBe(200);
  const after = await server.store.listRuns({});
  expect(after.runs).toEqual(before.runs);
  expect(await server.store.readEvents(runId, 0)).toEqual(eventsBefore);
});
