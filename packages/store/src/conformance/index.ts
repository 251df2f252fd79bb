/**
 * The RunStore conformance suite. Every store implementation runs it against real storage:
 *
 * @example
 * describeRunStore("sqlite", async () => { const path = tmpFile(); return { store: openSqliteStore(path), reopen: async () => openSqliteStore(path) }; });
 */
import { KeystrokeError } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunStore } from "../run-store.js";
import { describeAbsorb } from "./absorb.conformance.js";
import { describeAppend } from "./append.conformance.js";
import { describeDetail } from "./detail.conformance.js";
import { describeList } from "./list.conformance.js";
import { describeModelSpan } from "./model-span.conformance.js";

export interface StoreUnderTest {
  store: RunStore;
  /** Closes nothing; opens the same storage again (a restarted process). */
  reopen: () => Promise<RunStore>;
  /** Removes the storage; called after each test. */
  destroy?: () => Promise<void>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

/** Gives each test a fresh store and closes it afterwards. */
export function useStore(factory: StoreFactory): () => StoreUnderTest {
  let current: StoreUnderTest | undefined;
  beforeEach(async () => {
    current = await factory();
  });
  afterEach(async () => {
    await current?.store.close();
    await current?.destroy?.();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("store used outside a test");
    return current;
  };
}

/** Expects `promise` to reject with a KeystrokeError of `code` whose message mentions `text`. */
export async function expectKeystrokeError(
  promise: Promise<unknown>,
  code: string,
  text?: string,
): Promise<KeystrokeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeystrokeError);
  const ke = error as KeystrokeError;
  expect(ke.code).toBe(code);
  if (text !== undefined) expect(ke.message).toContain(text);
  return ke;
}

export function describeRunStore(name: string, factory: StoreFactory): void {
  describe(`RunStore conformance: ${name}`, () => {
    const get = useStore(factory);
    describeAppend(get);
    describeList(get);
    describeDetail(get);
    describeAbsorb(get);
    describeModelSpan(get);
    it("keeps everything across a reopen", async () => {
      const { store, reopen } = get();
      const runId = newRunId();
      await store.append([
        {
          runId,
          events: [
            {
              eventId: newEventId(),
              type: "run.created",
              time: new Date().toISOString(),
              kind: "workflow",
              slug: "nightly",
              name: "Nightly",
              project: "acme",
              source: "trigger",
              trigger: { label: "Schedule", value: "0 3 * * *" },
              actor: { type: "trigger", id: "cron:nightly" },
              status: "queued",
              input: { day: "2026-11-28" },
            },
          ],
        },
      ]);
      await store.close();
      const again = await reopen();
      try {
        const view = await again.getRun(runId);
        expect(view?.run.status).toBe("queued");
        expect(view?.run.input).toEqual({ day: "2026-11-28" });
        expect(view?.run.triggerValue).toBe("0 3 * * *");
      } finally {
        await again.close();
      }
    });
  });
}

export { moreEvents, type RunSpec, runEvents } from "./fixtures.js";
