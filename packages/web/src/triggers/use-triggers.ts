/**
 * The attachments of the hosted project, read again every few seconds (a cron fires, a webhook
 * is delivered) and updated in place when the page turns one on or off; a read that was under
 * way when that happened is dropped, so the switch never flips back.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { getJson, isAbort } from "../api/api";
import { type TriggerInfo, type TriggerList, triggerKey, triggerListPath } from "./trigger-api";

const REFRESH_MS = 5000;

/** What the page renders from. */
export interface TriggersState {
  triggers: TriggerInfo[] | undefined;
  error: unknown;
  reload: () => void;
  /** Puts the attachments the server answered with in place of the ones with their ids. */
  replace: (changed: readonly TriggerInfo[]) => void;
}

/** Reads `GET /api/trigger-sources` now and every few seconds while mounted. */
export function useTriggers(): TriggersState {
  const [triggers, setTriggers] = useState<TriggerInfo[]>();
  const [error, setError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  /** Counts local changes, so a list read before one cannot undo it when it answers after. */
  const changes = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the reload signal
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const before = changes.current;
        const list = await getJson<TriggerList>(triggerListPath, controller.signal);
        if (before === changes.current) setTriggers(list.triggers);
        setError(undefined);
      } catch (thrown) {
        if (isAbort(thrown)) return;
        setError(thrown);
      }
      if (!controller.signal.aborted) timer = setTimeout(read, REFRESH_MS);
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [attempt]);

  const reload = useCallback(() => {
    setError(undefined);
    setAttempt((n) => n + 1);
  }, []);
  const replace = useCallback((changed: readonly TriggerInfo[]) => {
    changes.current += 1;
    const byKey = new Map(changed.map((t) => [triggerKey(t), t]));
    setTriggers((current) => current?.map((t) => byKey.get(triggerKey(t)) ?? t));
  }, []);
  return { triggers, error, reload, replace };
}
