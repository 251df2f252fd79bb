/**
 * The Triggers page (`/triggers`): every attachment of the hosted project's cron, webhook and
 * poll sources, each with what fires it, when it fired and fires next, and a switch.
 */
import { EmptyState, ErrorState } from "../ui/states";
import { triggerKey } from "./trigger-api";
import { TriggerCard } from "./trigger-card";
import { useNow } from "./use-now";
import { useTriggers } from "./use-triggers";
import "./triggers.css";

/** The page, with its loading, empty and error states. */
export function TriggersPage() {
  const { triggers, error, reload, replace } = useTriggers();
  const now = useNow();
  return (
    <section className="triggers-page" aria-label="Triggers">
      <div className="toolbar">
        <h1>Triggers</h1>
        {triggers && triggers.length > 0 && (
          <span className="muted small">
            {triggers.length === 1 ? "1 attachment" : `${triggers.length} attachments`}
          </span>
        )}
      </div>
      {error !== undefined && triggers === undefined ? (
        <ErrorState error={error} onRetry={reload} />
      ) : triggers === undefined ? (
        <p className="loading" role="status">
          Loading triggers…
        </p>
      ) : triggers.length === 0 ? (
        <EmptyState title="No triggers in this project">
          <p className="muted">
            Add one under <code>src/triggers</code>: a cron, webhook or poll source attached to a workflow or an agent.
          </p>
        </EmptyState>
      ) : (
        <ul className="trigger-list">
          {triggers.map((trigger) => (
            <TriggerCard
              key={triggerKey(trigger)}
              trigger={trigger}
              now={now}
              onChanged={replace}
              showProject={new Set(triggers.map((t) => t.project)).size > 1}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
