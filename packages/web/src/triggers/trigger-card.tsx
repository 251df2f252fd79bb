/**
 * One attachment: its source (kind, name, what fires it), its target linking to the runs it
 * started in History, last and next fire, the last error, recent deliveries and the switch.
 */
import { navigate } from "../url/use-url";
import { EnabledSwitch } from "./enabled-switch";
import { FireTime } from "./fire-time";
import { type TriggerInfo, triggerRunsHref } from "./trigger-api";
import { TriggerDeliveries } from "./trigger-deliveries";
import { TriggerFiring } from "./trigger-firing";

const kindLabels: Record<TriggerInfo["source"]["kind"], string> = { cron: "Cron", webhook: "Webhook", poll: "Poll" };
const firingLabels: Record<TriggerInfo["source"]["kind"], string> = {
  cron: "Schedule",
  webhook: "Endpoint",
  poll: "Every",
};

/** An attachment as a list item of the Triggers page; `showProject` when the list holds several projects. */
export function TriggerCard({
  trigger,
  now,
  onChanged,
  showProject = false,
}: {
  trigger: TriggerInfo;
  now: number;
  onChanged: (changed: TriggerInfo[]) => void;
  showProject?: boolean;
}) {
  const { source, target } = trigger;
  const runsHref = triggerRunsHref(trigger, showProject);
  const name = showProject && trigger.project ? `${trigger.project} ${trigger.id}` : trigger.id;
  return (
    <li className={trigger.enabled ? "trigger-card" : "trigger-card is-disabled"} aria-label={name}>
      <div className="trigger-head">
        <span className={`trigger-kind kind-${source.kind}`}>{kindLabels[source.kind]}</span>
        <h2 title={source.description}>{source.name}</h2>
        <code className="muted small">
          {showProject && trigger.project ? `${trigger.project} · ${trigger.id}` : trigger.id}
        </code>
        <span className="spacer" />
        <EnabledSwitch trigger={trigger} onChanged={onChanged} />
      </div>
      <dl className="trigger-facts">
        <div>
          <dt>{firingLabels[source.kind]}</dt>
          <dd>
            <TriggerFiring trigger={trigger} />
          </dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>
            <span className="muted">{target.kind === "agent" ? "Agent" : "Workflow"} </span>
            <a
              href={runsHref}
              title={`Runs of ${trigger.id} in History`}
              onClick={(event) => {
                event.preventDefault();
                navigate(runsHref);
              }}
            >
              {target.slug}
            </a>
          </dd>
        </div>
        <div>
          <dt>Last fire</dt>
          <dd>
            <FireTime iso={trigger.lastFireAt} now={now} none="Never" />
          </dd>
        </div>
        <div>
          <dt>Next fire</dt>
          <dd>
            <FireTime iso={trigger.nextFireAt} now={now} none={source.kind === "webhook" ? "On delivery" : "—"} />
          </dd>
        </div>
      </dl>
      {trigger.lastError && (
        <p className="trigger-error" role="note">
          <strong>Last error</strong> <FireTime iso={trigger.lastError.at} now={now} none="" />:{" "}
          {trigger.lastError.message}
        </p>
      )}
      <TriggerDeliveries deliveries={trigger.deliveries ?? []} now={now} />
    </li>
  );
}
