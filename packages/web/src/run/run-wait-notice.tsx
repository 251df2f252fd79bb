import type { RunDetail, StoredStep } from "../api/api";
import { formatFullTime, formatUntil } from "../format/format";
import { CopyButton } from "../ui/copy-button";
import "./run-wait-notice.css";

/** A time to come, absolute and relative ("in 3 s"); `now` ticks, so the relative part counts down. */
function Upcoming({ iso, now }: { iso: string; now: number }) {
  return (
    <>
      <time dateTime={iso} className="num">
        {formatFullTime(iso)}
      </time>{" "}
      <span className="muted num">({formatUntil(iso, now)})</span>
    </>
  );
}

/**
 * What a sleeping or waiting workflow run waits for: when it wakes, or the hook's resume URL
 * (copyable) and when the hook expires.
 */
export function RunWaitNotice({
  wait,
  steps,
  now,
}: {
  wait: NonNullable<RunDetail["wait"]>;
  steps: readonly StoredStep[];
  now: number;
}) {
  const step = steps.find((s) => s.stepId === wait.stepId);
  const stepName = step ? <strong>{step.name}</strong> : <code>{wait.stepId}</code>;
  if (wait.kind === "sleep") {
    return (
      <section className="wait-notice" aria-label="Sleeping">
        <h3>Sleeping</h3>
        <p>
          Wakes <Upcoming iso={wait.until} now={now} />
        </p>
        <p className="muted small">In step {stepName}.</p>
      </section>
    );
  }
  return (
    <section className="wait-notice" aria-label="Waiting on hook">
      <h3>Waiting on hook</h3>
      <p>
        {wait.expiresAt ? (
          <>
            Expires <Upcoming iso={wait.expiresAt} now={now} />
          </>
        ) : (
          "No expiry"
        )}
      </p>
      <p className="muted small">In step {stepName}.</p>
      {wait.resumeUrl ? (
        <>
          <div className="wait-resume">
            <span className="muted small">Resume URL</span>
            <code className="wait-url" title={wait.resumeUrl}>
              {wait.resumeUrl}
            </code>
            <CopyButton text={wait.resumeUrl} label="Copy resume URL" />
          </div>
          <p className="muted small">
            POST a JSON body to it to resume the run (the body is what the hook returns). The token in the URL is the
            credential: share it only with whoever should resume.
          </p>
        </>
      ) : (
        <p className="muted small">This server gives no resume URL for the hook.</p>
      )}
    </section>
  );
}
