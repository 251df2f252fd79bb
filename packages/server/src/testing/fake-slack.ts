/**
 * A fake Slack Web API for tests: a real HTTP server on 127.0.0.1 that answers the methods the
 * gateway calls (auth.test, chat.postMessage, chat.update, reactions.add/remove,
 * conversations.info, users.info) the way Slack does, checks the bot token, and records every
 * call so a test can assert what was posted where.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeSlackCall {
  method: string;
  params: Record<string, string>;
}

export interface FakeSlackOptions {
  /** The token requests must carry as `Authorization: Bearer …`. */
  botToken: string;
  botUserId?: string;
  /** Channel id → name (omit a channel to have conversations.info fail for it). */
  channels?: Record<string, string>;
  /** User id → display name. */
  users?: Record<string, string>;
}

export interface FakeSlack {
  /** The `apiUrl` to configure, e.g. `http://127.0.0.1:41234/api/`. */
  apiUrl: string;
  botUserId: string;
  calls: FakeSlackCall[];
  /** The calls of one method. */
  callsOf(method: string): FakeSlackCall[];
  /** Resolves with the calls of `method` once there are `count` of them; rejects after `timeoutMs`. */
  waitForCalls(method: string, count?: number, timeoutMs?: number): Promise<FakeSlackCall[]>;
  close(): Promise<void>;
}

async function readParams(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if ((request.headers["content-type"] ?? "").includes("application/json")) {
    return Object.fromEntries(
      Object.entries(JSON.parse(text || "{}") as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * @example
 * const slack = await startFakeSlack({ botToken: "xoxb-test", channels: { C1: "support" } });
 * // … configure gateways.slack.apiUrl = slack.apiUrl, deliver an event …
 * const [post] = await slack.waitForCalls("chat.postMessage");
 */
export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const botUserId = options.botUserId ?? "UBOT";
  const calls: FakeSlackCall[] = [];
  const waiters = new Set<() => void>();
  let ts = 1_700_000_000;

  const answer = (method: string, params: Record<string, string>): Record<string, unknown> => {
    switch (method) {
      case "auth.test":
        return { ok: true, user_id: botUserId, bot_id: "BBOT", team_id: "T1", user: "keystroke" };
      case "chat.postMessage":
        ts += 1;
        return { ok: true, channel: params.channel, ts: `${ts}.000100`, message: { text: params.text } };
      case "chat.update":
        return { ok: true, channel: params.channel, ts: params.ts };
      case "reactions.add":
      case "reactions.remove":
        return { ok: true };
      case "conversations.info": {
        const id = params.channel ?? "";
        if (id.startsWith("D")) return { ok: true, channel: { id, is_im: true, user: "U1" } };
        const name = options.channels?.[id];
        return name ? { ok: true, channel: { id, name, is_im: false } } : { ok: false, error: "channel_not_found" };
      }
      case "users.info": {
        const name = options.users?.[params.user ?? ""];
        return name
          ? { ok: true, user: { id: params.user, name: name.toLowerCase(), profile: { display_name: name } } }
          : { ok: false, error: "user_not_found" };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  };

  const server = createServer(async (request, response) => {
    const method = (request.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
    const params = await readParams(request);
    const body =
      request.headers.authorization === `Bearer ${options.botToken}`
        ? answer(method, params)
        : { ok: false, error: "invalid_auth" };
    calls.push({ method, params });
    for (const wake of waiters) wake();
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const callsOf = (method: string) => calls.filter((call) => call.method === method);

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    botUserId,
    calls,
    callsOf,
    waitForCalls: (method, count = 1, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (callsOf(method).length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(callsOf(method));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`${method} was called ${callsOf(method).length} times, not ${count}, within ${timeoutMs}ms`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
