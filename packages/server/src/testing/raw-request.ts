/**
 * One HTTP request with exactly the headers a test gives (Host, Origin, Sec-Fetch-Site, which
 * fetch would set or refuse), read whole; event streams are cut off after their headers.
 */
import { request } from "node:http";

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as JSON when it is JSON, else its text. */
  body: unknown;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends `req` to `baseUrl` (http://127.0.0.1:port) and resolves with the reply; rejects after 10 s. */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawReply> {
  const url = new URL(req.path, baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: req.method, headers: req.headers, timeout: 10_000 }, (response) => {
      const status = response.statusCode ?? 0;
      if (String(response.headers["content-type"]).startsWith("text/event-stream")) {
        response.destroy();
        resolve({ status, headers: response.headers, body: "" });
        return;
      }
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {}
        resolve({ status, headers: response.headers, body });
      });
    });
    outgoing.on("timeout", () => outgoing.destroy(new Error(`${req.method} ${req.path}: no answer within 10 s`)));
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}
