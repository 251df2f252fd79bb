/**
 * A model provider for tests: a real HTTP server on 127.0.0.1 that speaks OpenAI Chat
 * Completions, OpenAI Responses and Anthropic Messages, so the real AI SDK provider clients run
 * end to end. A script decides each answer from the request; it can also make the endpoint
 * fail the ways real ones do (500, 429, a hang, a body that does not parse).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicMessages } from "./anthropic-messages.js";
import { openaiChat } from "./openai-chat.js";
import { openaiResponses } from "./openai-responses.js";
import {
  BadRequestError,
  type ModelRequest,
  type ModelTurn,
  recordAt,
  settle,
  type WireFormat,
} from "./wire-format.js";

/** A running model server. */
export interface ModelServer {
  /** `http://127.0.0.1:<port>`; the OpenAI and Anthropic base URL is `${url}/v1`. */
  url: string;
  /** Every request received, in order. */
  requests: ModelRequest[];
  /** Stops the server, cutting any request still open (a hang included); closing twice is harmless. */
  close(): Promise<void>;
}

/** What a script does with one request. */
export type ModelScript = (request: ModelRequest) => ModelTurn | Promise<ModelTurn>;

/**
 * Starts a model server whose answers come from `reply`.
 *
 * @example
 * const server = await startModelServer(() => ({ text: "Hello!" }));
 * const openai = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: "test" });
 * const { text } = await generateText({ model: openai.chat("gpt-4.1"), prompt: "Hi" }); // "Hello!"
 * await server.close();
 */
export async function startModelServer(reply: ModelScript): Promise<ModelServer> {
  const formats = [openaiChat(), openaiResponses(), anthropicMessages()];
  const requests: ModelRequest[] = [];
  const server = createServer((incoming, response) => {
    const format = formats.find((candidate) => incoming.method === "POST" && incoming.url === candidate.path);
    if (format === undefined) {
      const paths = formats.map((candidate) => candidate.path).join(", ");
      sendJson(response, 404, { error: { message: `No ${incoming.method} ${incoming.url} here; try POST ${paths}` } });
      return;
    }
    serve(format, incoming, response, reply, requests).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) sendJson(response, 500, format.errorBody(500, `The test script failed: ${message}`));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serve(
  format: WireFormat,
  incoming: IncomingMessage,
  response: ServerResponse,
  reply: ModelScript,
  requests: ModelRequest[],
): Promise<void> {
  const text = await readBody(incoming);
  let request: ModelRequest;
  try {
    const raw = recordAt(parseJson(text), "body");
    request = { format: format.format, ...format.parse(raw), headers: headersOf(incoming), raw };
  } catch (error) {
    if (!(error instanceof BadRequestError)) throw error;
    sendJson(response, 400, format.errorBody(400, error.message));
    return;
  }
  requests.push(request);
  const turn = await reply(request);
  switch (turn.fault) {
    case "hang":
      return;
    case "http_500":
      sendJson(response, 500, format.errorBody(500, "The server had an error while processing your request."));
      return;
    case "http_429":
      response.setHeader("retry-after", "1");
      sendJson(response, 429, format.errorBody(429, "Rate limit reached; retry after 1 second."));
      return;
    case "garbage":
      response.writeHead(200, { "content-type": request.stream ? "text/event-stream" : "application/json" });
      response.end(request.stream ? "data: {not json\n\n" : "<html>502 Bad Gateway</html>");
      return;
    default:
      format.answer(response, request, settle(turn, request));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError("body: expected a JSON object");
  }
}

async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function headersOf(incoming: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
