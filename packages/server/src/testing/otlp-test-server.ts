/**
 * For the OTLP receiver's tests: a real server over a real SQLite file with the OTLP options
 * given, a store that can be held back (to make the receiver busy on purpose) or made to fail
 * every append (as a full disk or a locked database would), and request bodies built from plain
 * span descriptions.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore, type RunStore } from "@keystroke/store";
import { createServer, type KeystrokeServer } from "../create-server.js";
import type { Attributes } from "../otlp/otlp-model.js";
import type { OtlpReceiverOptions } from "../otlp/otlp-routes.js";
import { encodeTracesProto, type SpanToEncode } from "../otlp/wire/encode-proto.js";

export interface OtlpTestServer {
  url: string;
  server: KeystrokeServer;
  store: RunStore;
  /** Holds every append until `release()`: requests stay in flight. */
  hold(): void;
  release(): void;
  /** Every append fails with `error` until called again with undefined. */
  failWith(error: Error | undefined): void;
  close(): Promise<void>;
}

export async function startOtlpTestServer(otlp: OtlpReceiverOptions = {}): Promise<OtlpTestServer> {
  const dir = await mkdtemp(join(tmpdir(), "keystroke-otlp-"));
  const real = openSqliteStore(join(dir, "keystroke.db"));
  let gate: Promise<void> | undefined;
  let open = () => {};
  let failure: Error | undefined;
  const store = new Proxy(real, {
    get(target, property) {
      if (property === "appendEach") {
        return async (...args: Parameters<RunStore["appendEach"]>) => {
          await gate;
          if (failure) throw failure;
          return target.appendEach(...args);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const server = createServer({ store, otlp });
  await server.listen({ host: "127.0.0.1", port: 0 });
  const address = server.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    store,
    hold: () => {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => {
      open();
      gate = undefined;
    },
    failWith: (error) => {
      failure = error;
    },
    close: async () => {
      await server.close();
      await real.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const T0 = Date.parse("2026-11-28T10:00:00.000Z");

/** A span with defaults: ids from `n`, an AI chat span unless attributes say otherwise. */
export function testSpan(n: number, overrides: Partial<SpanToEncode> = {}): SpanToEncode {
  return {
    traceId: "5b8aa5a2d2c872e8321cf37308d69df2",
    spanId: n.toString(16).padStart(16, "0"),
    parentSpanId: undefined,
    parentIsRemote: false,
    name: `chat ${n}`,
    kind: 1,
    startMs: T0 + n,
    endMs: T0 + n + 1,
    attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 10 },
    events: [],
    statusCode: 0,
    statusMessage: "",
    ...overrides,
  };
}

export function tracesBody(spans: SpanToEncode[], resource: Attributes = { "service.name": "test-agent" }): Buffer {
  return encodeTracesProto([{ resource, scope: { name: "test" }, spans }]);
}

/** The Content-Type of an OTLP/HTTP protobuf body. */
export const protobufHeaders = { "content-type": "application/x-protobuf" };
/** The Content-Type of an OTLP/HTTP JSON body. */
export const jsonHeaders = { "content-type": "application/json" };

export async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: "POST", body, headers });
}
