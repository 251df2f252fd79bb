/**
 * Which run a span belongs to, without asking the store. A run is a session: the spans of one
 * conversation (`gen_ai.conversation.id`, OpenInference `session.id`, AI SDK metadata
 * `sessionId`) or, without one, of one trace. The run id is derived from that key by hashing, so
 * every request that carries a span of the session finds the same run again, in whatever order
 * the spans arrive and across restarts, and the mapping needs no lookup table in the store.
 */
import { hash } from "node:crypto";
import { type Actor, AiSdk, GenAI, OpenInference, Otel, slugSchema } from "@keystroke/core";
import type { Attributes } from "../otlp-model.js";
import { stringAt } from "./attribute-values.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * `run_` + 26 Crockford base32 digits of a hash of `key` (the first digit under 8, as in a ULID).
 *
 * @example
 * runIdFor("default\u0000trace\u00004bf92f3577b34da6a3ce929d0e0e4736") // "run_3…", the same every time
 */
export function runIdFor(key: string): string {
  // The one-shot hash: about half the CPU of a Hash object for a key this short, same digest.
  const digest = hash("sha256", key, "buffer");
  let id = `run_${CROCKFORD[(digest[0] as number) & 7]}`;
  for (let i = 1; i < 26; i++) id += CROCKFORD[(digest[i] as number) & 31];
  return id;
}

/**
 * The project runs are keyed and filed by: a slug of the name the request or resource gives, or
 * on a team server `<organization>/<project>` (the API key's), each part a slug.
 *
 * @example
 * projectKey("Support Bot") // "support-bot"
 * projectKey("acme/support") // "acme/support"
 */
export function projectKey(name: string): string {
  const slash = name.indexOf("/");
  if (slash < 0) return slugify(name);
  const key = `${slugify(name.slice(0, slash))}/${slugify(name.slice(slash + 1))}`;
  // At most 200 characters in all, as a run's project (what the cut leaves ends in a letter or digit).
  return key.length <= 200 ? key : key.slice(0, 200).replace(/[^a-z0-9]+$/, "");
}

/** The run of a session: a conversation's (keyed by its id) or, without one, a trace's (by the trace id). */
export function sessionRunId(project: string, kind: "conversation" | "trace", id: string): string {
  return runIdFor(`${project}\u0000${kind}\u0000${id}`);
}

/**
 * A short, stable id for message and event ids: 64 bits of two FNV-1a-style hashes, in base 36.
 * Not a cryptographic hash (none is needed to tell a run's messages apart), and several times
 * cheaper than one for the short texts it is given.
 */
export function shortHash(...parts: string[]): string {
  start(parts);
  return digest();
}

/**
 * The least n below `limit` for which `shortHash(...prefix, String(n))` is `hash`, else
 * undefined: the prefix is hashed once.
 *
 * @example
 * countHashedAs(["message", signature], shortHash("message", signature, "2"), 100) // 2
 */
export function countHashedAs(prefix: readonly string[], hash: string, limit: number): number | undefined {
  start(prefix);
  const [a, b] = [hashA, hashB];
  for (let n = 0; n < limit; n++) {
    hashA = a;
    hashB = b;
    feed(String(n));
    if (digest() === hash) return n;
  }
  return undefined;
}

// shortHash's state, kept between its parts without allocating.
let hashA = 0;
let hashB = 0;

function start(parts: readonly string[]): void {
  hashA = 0x811c9dc5;
  hashB = 0x9e3779b9;
  for (const part of parts) feed(part);
}

function feed(part: string): void {
  let a = hashA;
  let b = hashB;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  hashA = Math.imul(a ^ 0xff, 0x01000193);
  hashB = Math.imul(b ^ 0xff, 0x5bd1e995);
}

function digest(): string {
  return `${(hashA >>> 0).toString(36).padStart(7, "0")}${(hashB >>> 0).toString(36).padStart(7, "0")}`;
}

export function conversationIdOf(a: Attributes): string | undefined {
  return stringAt(
    a,
    GenAI.conversationId,
    OpenInference.sessionId,
    AiSdk.metadataSessionId,
    AiSdk.metadataConversationId,
  );
}

/**
 * A slug from any name: lowercase, runs of other characters as `-`; "agent" when nothing is left.
 *
 * @example
 * slugify("Support Agent (v2)") // "support-agent-v2"
 */
export function slugify(name: string): string {
  if (name.length > MAX_KEPT_NAME) return slugOf(name);
  let slug = slugs.get(name);
  if (slug === undefined) {
    // From a copy: `name` may be a slice of a far longer string, which it (and a slug that is
    // `name` itself) would keep alive.
    const kept = Buffer.from(name, "utf16le").toString("utf16le");
    slug = slugOf(kept);
    if (slugs.size >= MAX_SLUGS) slugs.clear();
    slugs.set(kept, slug);
  }
  return slug;
}

/**
 * Slugs of recent names: every batch of a run names it, and the names of an app are few. Only
 * names of a slug's length or so are kept (a name comes from what a client sends, of any length).
 */
const slugs = new Map<string, string>();
const MAX_SLUGS = 1_000;
const MAX_KEPT_NAME = 256;

function slugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/-+$/, "")
    .slice(0, 200);
  return slugSchema.safeParse(slug).success ? slug : "agent";
}

export function actorOf(a: Attributes, resource: Attributes): Actor {
  const user =
    stringAt(a, Otel.userId, Otel.enduserId, AiSdk.metadataUserId) ?? stringAt(resource, Otel.userId, Otel.enduserId);
  if (user !== undefined) return { type: "user", id: user.slice(0, 500) };
  return { type: "system", id: (stringAt(resource, "service.name") ?? "opentelemetry").slice(0, 500) };
}
