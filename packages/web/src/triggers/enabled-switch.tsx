/**
 * The on/off switch of one attachment: POSTs disable or enable, shows the new state once the
 * server answered, and the server's error beside it when it refused.
 */
import { useState } from "react";
import { ApiError } from "../api/api";
import { setTriggerEnabled, type TriggerInfo } from "./trigger-api";

/** A `role="switch"` whose name says which attachment it turns on and off. */
export function EnabledSwitch({
  trigger,
  onChanged,
}: {
  trigger: TriggerInfo;
  onChanged: (changed: TriggerInfo[]) => void;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const toggle = async () => {
    setPending(true);
    setError(undefined);
    try {
      const { triggers } = await setTriggerEnabled(trigger, !trigger.enabled);
      onChanged(triggers);
    } catch (thrown) {
      setError(thrown instanceof ApiError ? thrown.message : String(thrown));
    } finally {
      setPending(false);
    }
  };
  return (
    <span className="trigger-switch-wrap">
      <button
        type="button"
        role="switch"
        className="trigger-switch"
        aria-checked={trigger.enabled}
        aria-label={`${trigger.source.name} → ${trigger.target.slug} enabled`}
        aria-busy={pending}
        disabled={pending}
        onClick={toggle}
      >
        <span className="trigger-switch-track" aria-hidden="true">
          <span className="trigger-switch-thumb" />
        </span>
        <span className="trigger-switch-text" aria-hidden="true">
          {trigger.enabled ? "On" : "Off"}
        </span>
      </button>
      {error && (
        <span className="trigger-switch-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
