/**
 * `GET /api/runs/:runId/events`: a run's events as Server-Sent Events. Replays those after
 * `?after=` (or after the `Last-Event-ID` a reconnecting browser sends, which wins), then streams
 * new ones as they commit, until the client goes away or the server closes.
 */

import type { ServerResponse } from "node:http";
import type { QueryParams, StoredEvent } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import { integerParam } from "../paging/query-params.js";
import { parseRunIdParam, runNotFound } from "../runs/run-id-param.js";
import type { ServerContext } from "../server-context.js";
import { followRunEvents } from "./run-event-feed.js";
import { sseFrame, sseHeartbeat, sseMessage } from "./sse-frame.js";
import { openSseResponse } from "./sse-response.js";

/** How often an idle stream sends a comment, so proxies and load balancers keep it open. */
export const HEARTBEAT_MS = 15_000;

function afterSeqOf(query: QueryParams, lastEventId: string | string[] | undefined): number {
  const max = Number.MAX_SAFE_INTEGER;
  const fromHeader = integerParam({ "Last-Event-ID": lastEventId }, "Last-Event-ID", 0, max);
  return fromHeader ?? integerParam(query, "after", 0, max) ?? 0;
}

function writeAll(response: ServerResponse, events: readonly StoredEvent[]): void | Promise<void> {
  let text = "";
  for (const event of events) text += sseFrame(event);
  if (response.write(text)) return;
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}

/** Registers the SSE route; open streams are ended when the server closes. */
export function eventRoutes(app: FastifyInstance, { store, bus }: ServerContext): void {
  const open = new Set<ServerResponse>();
  app.addHook("preClose", (done) => {
    for (const response of open) response.end();
    done();
  });

  app.get<{ Params: { runId: string } }>("/api/runs/:runId/events", async (request, reply) => {
    const runId = parseRunIdParam(request.params.runId);
    const afterSeq = afterSeqOf(request.query as QueryParams, request.headers["last-event-id"]);
    if ((await store.getRun(runId)) === undefined) throw runNotFound(runId);

    const response = openSseResponse(reply);
    open.add(response);

    const feed = followRunEvents({
      store,
      bus,
      runId,
      afterSeq,
      send: (events) => writeAll(response, events),
      onError: (error) => {
        request.log.error({ err: error }, "event stream failed");
        response.end();
      },
      onMoved: (intoRunId) => {
        response.end(sseMessage("run.moved", { type: "run.moved", runId, intoRunId }));
      },
    });
    const heartbeat = setInterval(() => {
      response.write(sseHeartbeat);
      // A key revoked or a session ended while the stream is open ends the stream.
      void request.recheckCaller?.().then((ok) => {
        if (!ok) response.end();
      });
    }, HEARTBEAT_MS);
    response.on("close", () => {
      clearInterval(heartbeat);
      feed.stop();
      open.delete(response);
    });
  });
}
