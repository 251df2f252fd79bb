import type { ReactNode } from "react";
import { ApiError } from "../api/api";

/** The API's error message and hint, with a retry when one makes sense. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof ApiError ? error.hint : undefined;
  return (
    <div className="state error-state" role="alert">
      <strong>Something went wrong</strong>
      <p>{message}</p>
      {hint && <p className="muted">{hint}</p>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A quiet message where content would be, with an optional action. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty-state">
      <strong>{title}</strong>
      {children}
    </div>
  );
}
