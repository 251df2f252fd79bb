import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import "./popover.css";

const focusable =
  'input:not([disabled]), select:not([disabled]), textarea, button:not([disabled]), a[href], [tabindex="0"]';

/**
 * A button that opens a small panel below it (a non-modal dialog named by the button). Opening
 * moves the focus to the panel's first control; Escape closes it and gives the focus back to the
 * button; a click or the focus outside closes it.
 */
export function Popover({
  label,
  active,
  children,
  testId,
}: {
  label: ReactNode;
  active?: boolean;
  children: ReactNode;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>(focusable)?.focus();
    const onDown = (event: Event) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        event.preventDefault();
        setOpen(false);
        if (root.current?.contains(document.activeElement)) button.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("focusin", onDown);
    document.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("focusin", onDown);
      document.removeEventListener("keydown", onKey, true);
    };
  }, [open]);
  return (
    <div className="popover" ref={root}>
      <button
        type="button"
        ref={button}
        id={`${id}-button`}
        className={active ? "chip active" : "chip"}
        aria-expanded={open}
        aria-haspopup="dialog"
        aria-controls={open ? `${id}-panel` : undefined}
        onClick={() => setOpen(!open)}
        data-testid={testId}
      >
        {label}
        <span className="caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open && (
        <div className="popover-panel" role="dialog" id={`${id}-panel`} aria-labelledby={`${id}-button`} ref={panel}>
          {children}
        </div>
      )}
    </div>
  );
}
