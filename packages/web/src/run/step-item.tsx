import { statusCatalog } from "@keystroke/core";
import type { StoredStep } from "../api/api";
import { formatDuration, formatFullTime } from "../format/format";
import { StatusBadge } from "../ui/status-badge";
import { Detail, type Disclosure } from "./detail";
import { ErrorView } from "./error-view";
import { JsonBlock } from "./json-block";
import {
  attemptLabel,
  childRunLabel,
  previewValue,
  type StepRun,
  stepDuration,
  stepKindLabels,
  stepStatus,
} from "./step-facts";

interface StepItemProps {
  step: StoredStep;
  run: StepRun;
  now: number;
  disclosure: Disclosure;
  onOpenRun(runId: string): void;
}

/** One step of a workflow's timeline: name, kind, status, duration, attempts, child run, and its output or error collapsed. */
export function StepItem({ step, run, now, disclosure, onOpenRun }: StepItemProps) {
  const status = stepStatus(step, run);
  const attempts = attemptLabel(step);
  const hasOutput = step.output !== null && step.output !== undefined;
  const key = `step:${step.stepId}`;
  return (
    <li className={`step-item step-${statusCatalog[status].tone}`} data-step-id={step.stepId} data-status={status}>
      <span className="step-marker" aria-hidden="true" />
      <div className="step-head">
        <strong className="step-name">{step.name}</strong>
        <span className="step-kind">{stepKindLabels[step.kind]}</span>
        {attempts && <span className="step-attempts">{attempts}</span>}
        <span className="spacer" />
        <StatusBadge status={status} />
        <span className="muted small num step-duration" title={`Started ${formatFullTime(step.startedAt)}`}>
          {formatDuration(stepDuration(step, run, now))}
        </span>
      </div>
      {step.childRunId && (
        <button type="button" className="link step-child" onClick={() => onOpenRun(step.childRunId as string)}>
          {childRunLabel(step.kind)}
        </button>
      )}
      {step.error ? (
        <Detail
          id={key}
          tone="danger"
          disclosure={disclosure}
          title={
            <>
              Error <span className="step-preview">{step.error.message}</span>
            </>
          }
        >
          <ErrorView error={step.error} />
          {step.input !== null && step.input !== undefined && (
            <>
              <h4>Input</h4>
              <JsonBlock value={step.input} />
            </>
          )}
        </Detail>
      ) : (
        hasOutput && (
          <Detail
            id={key}
            disclosure={disclosure}
            title={
              <>
                Output <span className="step-preview mono">{previewValue(step.output)}</span>
              </>
            }
          >
            {step.input !== null && step.input !== undefined && (
              <>
                <h4>Input</h4>
                <JsonBlock value={step.input} />
              </>
            )}
            <h4>Output</h4>
            <JsonBlock value={step.output} />
          </Detail>
        )
      )}
    </li>
  );
}
