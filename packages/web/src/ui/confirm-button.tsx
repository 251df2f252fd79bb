/**
 * A button for an action that cannot be undone (revoke a key, remove a member): the first press
 * asks, in place, with the action and Cancel; focus moves to the action, and back to the button
 * on Cancel or Escape.
 */
import { useEffect, useRef, useState } from "react";
import "./confirm-button.css";

export function ConfirmButton({
  label,
  name,
  question,
  disabled,
  disabledReason,
  onConfirm,
}: {
  /** The visible text, e.g. "Revoke". */
  label: string;
  /** The accessible name saying what it acts on, e.g. "Revoke ci-deploy". */
  name: string;
  question: string;
  disabled?: boolean;
  disabledReason?: string;
  onConfirm(): Promise<unknown>;
}) {
  const [step, setStep] = useState<"idle" | "asking" | "pending">("idle");
  const yes = useRef<HTMLButtonElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (step === "asking") {
      asked.current = true;
      yes.current?.focus();
    } else if (step === "idle" && asked.current) {
      asked.current = false;
      button.current?.focus();
    }
  }, [step]);

  const confirm = async () => {
    setStep("pending");
    try {
      await onConfirm();
    } finally {
      setStep("idle");
    }
  };

  if (step === "idle") {
    return (
      <button
        type="button"
        ref={button}
        className="confirm-start"
        aria-label={name}
        title={disabled ? disabledReason : undefined}
        disabled={disabled}
        onClick={() => setStep("asking")}
      >
        {label}
      </button>
    );
  }
  return (
    <fieldset
      className="confirm"
      onKeyDown={(event) => {
        if (event.key === "Escape" && step === "asking") setStep("idle");
      }}
    >
      <legend className="small">{question}</legend>
      <button type="button" className="confirm-yes" ref={yes} disabled={step === "pending"} onClick={confirm}>
        {step === "pending" ? `${label}…` : label}
      </button>
      <button type="button" disabled={step === "pending"} onClick={() => setStep("idle")}>
        Cancel
      </button>
    </fieldset>
  );
}
