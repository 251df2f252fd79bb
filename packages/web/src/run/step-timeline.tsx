import type { StoredStep } from "../api/api";
import { formatCount } from "../format/format";
import type { Disclosure } from "./detail";
import type { StepRun } from "./step-facts";
import { StepItem } from "./step-item";
import "./step-timeline.css";

/** A workflow's steps in the order they started, as an ordered list. */
export function StepTimeline({
  steps,
  run,
  now,
  disclosure,
  onOpenRun,
}: {
  steps: readonly StoredStep[];
  run: StepRun;
  now: number;
  disclosure: Disclosure;
  onOpenRun(runId: string): void;
}) {
  return (
    <section className="payload" aria-labelledby="step-timeline-title">
      <h3 id="step-timeline-title">
        Steps <span className="muted num">{formatCount(steps.length)}</span>
      </h3>
      <ol className="step-timeline">
        {steps.map((step) => (
          <StepItem key={step.stepId} step={step} run={run} now={now} disclosure={disclosure} onOpenRun={onOpenRun} />
        ))}
      </ol>
    </section>
  );
}
