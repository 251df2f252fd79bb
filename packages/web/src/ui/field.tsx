import { type InputHTMLAttributes, type ReactNode, useId } from "react";
import "./field.css";

/**
 * A labelled input of a form, with an optional hint the input is described by.
 *
 * @example
 * <Field label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
 */
export function Field({
  label,
  hint,
  ...input
}: { label: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint && (
        <span id={`${id}-hint`} className="field-hint muted small">
          {hint}
        </span>
      )}
    </div>
  );
}
