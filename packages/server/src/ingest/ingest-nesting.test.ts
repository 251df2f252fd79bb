/**
 * Deep nesting in the free-form fields of `POST /api/ingest` (run input, trigger value, tool
 * arguments and results, span attributes, error details): a few hundred bodies from a seeded
 * generator, nested from a few levels to thousands, as arrays and objects mixed. None may get a
 * 5xx; the deep ones get 400 naming the field, the others are stored, and the server keeps serving.
 */
import { MAX_NESTING_DEPTH } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCreated, runFinished, spanRecorded } from "../testing/run-events.js";
import { seededRandom } from "../testing/seeded-random.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";

const BODIES = 300;
const SEED = 20_251_128;
const DEEP = "__deep__";

interface ErrorReply {
  error: { code: string; message: string; details: { problems: { path: string }[] } };
}

/** Where a free-form value goes: its path, how deep its container is, and the batch's events. */
interface Field {
  path: string;
  /** Levels of arrays and objects above the value: batch, events, event, … */
  above: number;
  events: () => Record<string, unknown>[];
}

/** A new run's first event, then `event`. */
const afterCreated = (event: Record<string, unknown>) => [runCreated().event, event];

const fields: Field[] = [
  { path: "events[0].input", above: 3, events: () => [{ ...runCreated().event, input: DEEP }] },
  {
    path: "events[0].trigger.value",
    above: 4,
    events: () => [{ ...runCreated().event, trigger: { label: "Webhook", value: DEEP } }],
  },
  {
    path: "events[1].message.parts[0].arguments",
    above: 6,
    events: () =>
      afterCreated({
        eventId: `evt_${Math.random()}`,
        type: "message.added",
        time: new Date().toISOString(),
        message: {
          id: "msg_1",
          role: "assistant",
          parts: [{ type: "tool_call", id: "c1", name: "t", arguments: DEEP }],
        },
      }),
  },
  {
    path: "events[1].message.parts[0].result",
    above: 6,
    events: () =>
      afterCreated({
        eventId: `evt_${Math.random()}`,
        type: "message.added",
        time: new Date().toISOString(),
        message: { id: "msg_2", role: "assistant", parts: [{ type: "tool_result", id: "c1", result: DEEP }] },
      }),
  },
  {
    path: "events[1].span.attributes.payload",
    above: 5,
    events: () => {
      const span = spanRecorded("chat") as { span: Record<string, unknown> };
      return afterCreated({ ...span, span: { ...span.span, attributes: { payload: DEEP } } });
    },
  },
  {
    path: "events[1].error.details",
    above: 4,
    events: () => afterCreated({ ...runFinished("failed"), error: { message: "boom", details: DEEP } }),
  },
];

/** JSON text of `levels` arrays and objects inside one another, chosen by `random`; never a JS value, so the client cannot overflow either. */
function nestedJson(levels: number, random: () => number): string {
  let open = "";
  let close = "";
  for (let i = 0; i < levels; i++) {
    if (random() < 0.5) {
      open += "[";
      close = `]${close}`;
    } else {
      open += '{"k":';
      close = `}${close}`;
    }
  }
  return `${open}1${close}`;
}

/** Mostly around the limit and around where JSON.stringify used to overflow (about 4,200). */
function levelsFor(random: () => number): number {
  const pick = random();
  if (pick < 0.4) return 1 + Math.floor(random() * (MAX_NESTING_DEPTH + 8));
  if (pick < 0.8) return 3_500 + Math.floor(random() * 2_000);
  return 1 + Math.floor(random() * 12_000);
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("POST /api/ingest with deeply nested fields", () => {
  it(`answers ${BODIES} seeded bodies with no 5xx: too deep is 400 naming the field, the rest is stored`, async () => {
    const random = seededRandom(SEED);
    let refused = 0;
    for (let i = 0; i < BODIES; i++) {
      const field = fields[Math.floor(random() * fields.length)] as Field;
      const levels = levelsFor(random);
      const { runId } = runCreated();
      const body = JSON.stringify({ runId, events: field.events() }).replace(`"${DEEP}"`, nestedJson(levels, random));
      const response = await fetch(`${server.url}/api/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const reply = (await response.json()) as ErrorReply;
      const label = `body ${i} (seed ${SEED}): ${levels} levels in ${field.path}`;
      expect(response.status, `${label}: ${JSON.stringify(reply).slice(0, 300)}`).toBeLessThan(500);
      if (field.above + levels > MAX_NESTING_DEPTH) {
        refused++;
        expect(response.status, label).toBe(400);
        expect(reply.error.code, label).toBe("invalid_input");
        expect(reply.error.message, label).toContain(`${field.path}`);
        expect(reply.error.message, label).toContain(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
        expect(reply.error.details.problems[0]?.path.startsWith(field.path), label).toBe(true);
      } else {
        expect(response.status, `${label}: ${JSON.stringify(reply).slice(0, 300)}`).toBe(200);
      }
    }
    expect(refused).toBeGreaterThan(BODIES / 2);
    expect(refused).toBeLessThan(BODIES);
    expect((await server.get("/api/health")).status).toBe(200);
  });
});
