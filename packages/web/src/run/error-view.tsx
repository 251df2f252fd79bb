import type { ErrorPayload } from "@keystroke/core";
import { JsonBlock } from "./json-block";
import "./error-view.css";

/** An error payload: name, code and message, then its stack and details. */
export function ErrorView({ error }: { error: ErrorPayload }) {
  return (
    <div className="error-payload">
      <p>
        <strong>{error.name ?? "Error"}</strong>
        {error.code && <code className="small"> {error.code}</code>}: {error.message}
      </p>
      {error.stack && <pre className="json small">{error.stack}</pre>}
      {error.details !== undefined && <JsonBlock value={error.details} className="small" />}
    </div>
  );
}
