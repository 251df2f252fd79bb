import { ApiError } from "../api/api";
import { formatWait } from "../format/format";
import "./form-error.css";

/**
 * Why a form's request failed, as the API says it: its message and its hint, or, without a hint,
 * how long to wait when it is rate-limited (Retry-After). Nothing when there is no error.
 */
export function FormError({ error }: { error: unknown }) {
  if (error === undefined) return null;
  const message = error instanceof Error ? error.message : String(error);
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div className="form-error" role="alert">
      <strong>{message}</strong>
      {api?.hint ? (
        <span className="muted">{api.hint}</span>
      ) : (
        api?.retryAfterSeconds !== undefined && <span>Try again in {formatWait(api.retryAfterSeconds)}.</span>
      )}
    </div>
  );
}
