import { useCallback, useEffect, useState } from "react";
import { isAbort } from "./api";

export interface Loaded<T> {
  /** The last answer; kept while a reload is under way. */
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/**
 * Loads once per `key` (and again on reload), aborting a read its key outlived.
 *
 * @example
 * const members = useLoaded((signal) => listMembers("acme", signal), "acme");
 */
export function useLoaded<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: key names what load reads; attempt is the reload signal
  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    load(abort.signal)
      .then((value) => {
        setData(value);
        setError(undefined);
      })
      .catch((thrown: unknown) => {
        if (!isAbort(thrown)) setError(thrown);
      })
      .finally(() => {
        if (!abort.signal.aborted) setLoading(false);
      });
    return () => abort.abort();
  }, [key, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, loading, reload };
}
