import { type FormEvent, useCallback, useState } from "react";

export interface Submission {
  pending: boolean;
  /** What the last attempt threw, until the next one. */
  error: unknown;
  /** Runs the action once at a time; as a form's onSubmit it keeps the page from reloading. */
  submit(event?: FormEvent): Promise<void>;
}

/**
 * A form's submission: pending while `action` runs, its error kept to show.
 *
 * @example
 * const { pending, error, submit } = useSubmit(() => signIn(email, password));
 * <form onSubmit={submit}>…</form>
 */
export function useSubmit(action: () => Promise<unknown>): Submission {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = useCallback(
    async (event?: FormEvent) => {
      event?.preventDefault();
      if (pending) return;
      setPending(true);
      setError(undefined);
      try {
        await action();
      } catch (thrown) {
        setError(thrown);
      } finally {
        setPending(false);
      }
    },
    [action, pending],
  );
  return { pending, error, submit };
}
