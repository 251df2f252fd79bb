/**
 * Fastify's own JSON parser answers every bad body with the same "Body is not valid JSON"; this
 * one says what is wrong and where, and keeps Fastify's refusal of `__proto__` and
 * `constructor.prototype` keys.
 */
import { isAscii } from "node:buffer";
import { formatPath, KeystrokeError, MAX_NESTING_DEPTH, tooDeepPath } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import secureJson from "secure-json-parse";

const SHOWN_SEGMENTS = 8;

/**
 * The most arrays and objects one JSON body may hold. Parsed, each takes tens of bytes, so a
 * body of nothing else (`[{},{},…]`) grows some 25-fold in memory: four such 16 MiB bodies held
 * 1.6 GB, though the bodies in flight are capped at 64 MiB. A body of a few hundred thousand
 * spans or events holds far fewer.
 */
export const MAX_JSON_CONTAINERS = 1_000_000;

/**
 * Whether JSON `text` opens more than MAX_JSON_CONTAINERS arrays and objects or, given `maxDepth`,
 * nests them deeper than that (the value itself is level 1): told from its brackets outside its
 * strings, without parsing it.
 */
export function exceedsJsonBounds(text: string, maxDepth = Number.POSITIVE_INFINITY): boolean {
  // Each array or object takes at least two characters: a shorter text cannot hold too many.
  const limit = text.length > 2 * MAX_JSON_CONTAINERS ? MAX_JSON_CONTAINERS : Number.POSITIVE_INFINITY;
  if (limit === Number.POSITIVE_INFINITY && maxDepth === Number.POSITIVE_INFINITY) return false;
  let count = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++count > limit || ++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Parses JSON text; throws `invalid_input` naming the JSON problem. With `maxDepth`, a value
 * nested deeper is refused naming where: every route that stores what it was sent (a workflow's
 * input, a hook's body, a webhook's payload) would otherwise overflow the stack writing it.
 */
export function parseJsonBody(text: string, maxDepth?: number): unknown {
  const value = parseJson(text);
  const path = maxDepth === undefined ? undefined : tooDeepPath(value, maxDepth);
  if (path === undefined) return value;
  const shown = path.length > SHOWN_SEGMENTS ? `${formatPath(path.slice(0, SHOWN_SEGMENTS))}…` : formatPath(path);
  const message = `nested deeper than ${maxDepth} levels of arrays and objects`;
  throw new KeystrokeError("invalid_input", `Invalid ${shown}: ${message}`, {
    hint: "Send shallower JSON",
    details: { problems: [{ path: shown, message }] },
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === "") {
    throw new KeystrokeError("invalid_input", "The body is empty, but Content-Type says it is JSON", {
      hint: "Send a JSON body, or no Content-Type header",
    });
  }
  if (exceedsJsonBounds(text)) {
    throw new KeystrokeError(
      "payload_too_large",
      `The body holds more than ${MAX_JSON_CONTAINERS.toLocaleString("en-US")} arrays and objects`,
      {
        hint: "Send the data in several requests, or flatter: long lists of values rather than of tiny objects",
        details: { maxContainers: MAX_JSON_CONTAINERS },
      },
    );
  }
  try {
    return secureJson.parse(text, null, { protoAction: "error", constructorAction: "error" });
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new KeystrokeError("invalid_input", `The body is not valid JSON: ${problem}`, {
      hint: "Check the request body with a JSON validator, e.g. `jq . < body.json`",
      details: { problems: [{ path: "(body)", message: problem }] },
    });
  }
}

/** UTF-8 text of a body; pure-ASCII bodies (the common case) skip UTF-8 decoding. */
function decodeBody(body: Buffer): string {
  return isAscii(body) ? body.toString("latin1") : body.toString("utf8");
}

/** Makes parseJsonBody the only body parser of `app`: any other Content-Type is answered 415. */
export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(decodeBody(body as Buffer), MAX_NESTING_DEPTH));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
