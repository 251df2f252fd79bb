/** The latest deliveries of one attachment, collapsed: when, what came of it, the run it started. */
import { navigate } from "../url/use-url";
import { FireTime } from "./fire-time";
import type { TriggerDelivery } from "./trigger-api";

const outcomeLabels: Record<TriggerDelivery["outcome"], string> = {
  started: "Started",
  skipped: "Skipped",
  filtered: "Filtered",
  failed: "Failed",
};

/** A `<details>` listing the deliveries, newest first; a line saying there are none yet. */
export function TriggerDeliveries({ deliveries, now }: { deliveries: readonly TriggerDelivery[]; now: number }) {
  if (deliveries.length === 0) return <p className="muted small trigger-no-deliveries">No deliveries yet</p>;
  return (
    <details className="trigger-deliveries">
      <summary>Recent deliveries ({deliveries.length})</summary>
      <ol>
        {deliveries.map((delivery) => (
          <li key={`${delivery.at}-${delivery.outcome}-${delivery.runId ?? ""}`}>
            <FireTime iso={delivery.at} now={now} none="" />
            <span className={`delivery-outcome outcome-${delivery.outcome}`}>{outcomeLabels[delivery.outcome]}</span>
            {delivery.runId && (
              <a
                href={`/runs/${encodeURIComponent(delivery.runId)}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(`/runs/${encodeURIComponent(delivery.runId ?? "")}`);
                }}
              >
                <code>{delivery.runId}</code>
              </a>
            )}
            {delivery.reason && <span className="muted">{delivery.reason}</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}
