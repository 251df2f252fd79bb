/**
 * Cancel in the panel header of an active run: asks once to be sure, POSTs
 * `/api/runs/:runId/cancel`, then says the run was canceled (its status updates live) or shows
 * the server's error and hint.
 */
import { type RunStatus, statusCatalog } from "@keystroke/core";
import { useEffect, useRef, useState } from "react";
import { ApiError, postJson } from "../api/api";
import "./cancel-run-button.css";

type State =
  | { step: "idle" }
  | { step: "confirm" }
  | { step: "canceling" }
  | { step: "done"; status: RunStatus }
  | { step: "failed"; message: string; hint?: string };

export function CancelRunButton({
  runId,
  active,
  onCanceled,
}: {
  runId: string;
  /** Whether the run is queued, running, sleeping or waiting on a hook. */
  active: boolean;
  onCanceled(): void;
}) {
  const [state, setState] = useState<State>({ step: "idle" });
  const done = state.step === "done";
  const confirming = state.step === "confirm";
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) yes.current?.focus();
  }, [confirming]);
  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setState({ step: "idle" }), 4000);
    return () => clearTimeout(timer);
  }, [done]);

  const cancel = async () => {
    setState({ step: "canceling" });
    try {
      const reply = await postJson<{ runId: string; status: RunStatus }>(
        `/api/runs/${encodeURIComponent(runId)}/cancel`,
      );
      setState({ step: "done", status: reply.status });
      onCanceled();
    } catch (error) {
      setState({
        step: "failed",
        message: error instanceof Error ? error.message : String(error),
        hint: error instanceof ApiError ? error.hint : undefined,
      });
      onCanceled();
    }
  };

  if (state.step === "done") {
    return (
      <span className="cancel-run-note small" role="status">
        {state.status === "canceled" ? "Run canceled" : `The run ended first: ${statusCatalog[state.status].label}`}
      </span>
    );
  }
  if (state.step === "confirm") {
    return (
      <fieldset className="cancel-run-confirm">
        <legend className="small">Cancel this run?</legend>
        <button type="button" className="cancel-run-yes" onClick={cancel} ref={yes}>
          Yes, cancel
        </button>
        <button type="button" onClick={() => setState({ step: "idle" })}>
          Keep running
        </button>
      </fieldset>
    );
  }
  return (
    <>
      {(state.step === "canceling" || active) && (
        <button
          type="button"
          className="cancel-run"
          disabled={state.step === "canceling"}
          onClick={() => setState({ step: "confirm" })}
        >
          {state.step === "canceling" ? "Canceling…" : "Cancel run"}
        </button>
      )}
      {state.step === "failed" && (
        <p className="cancel-run-error small" role="alert">
          <span>
            Could not cancel: {state.message}
            {state.hint && <span className="muted"> {state.hint}</span>}
          </span>
          <button type="button" className="ghost" aria-label="Dismiss" onClick={() => setState({ step: "idle" })}>
            ✕
          </button>
        </p>
      )}
    </>
  );
}
