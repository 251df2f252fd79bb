/**
 * A minimal Server-Sent Events reader over fetch, for tests: collects messages and waits for
 * a number of them.
 */

export interface SseMessage {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  /** Resolves once `count` messages have arrived in total; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  close(): void;
}

function parseMessage(block: string): SseMessage | undefined {
  const message: SseMessage = { id: undefined, event: undefined, data: "" };
  let hasField = false;
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    hasField = true;
    if (field === "id") message.id = value;
    else if (field === "event") message.event = value;
    else if (field === "data") message.data = message.data ? `${message.data}\n${value}` : value;
  }
  return hasField ? message : undefined;
}

/** Opens `url` as an event stream. */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  if (response.body !== null && response.status === 200) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
            const message = parseMessage(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (message !== undefined) messages.push(message);
          }
          for (const wake of waiters) wake();
        }
      } catch {
        return;
      }
    })();
  }
  return {
    status: response.status,
    headers: response.headers,
    messages,
    waitFor: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Got ${messages.length} of ${count} messages within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => abort.abort(),
  };
}
