import { type ReactNode, useEffect, useRef, useState } from "react";

/** A button that opens a small panel below it; a click outside or Escape closes it. */
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
  useEffect(() => {
    if (!open) return;
    const onDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        setOpen(false);
      }
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey, true);
    };
  }, [open]);
  return (
    <div className="popover" ref={root}>
      <button
        type="button"
        className={active ? "chip active" : "chip"}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid={testId}
      >
        {label}
        <span className="caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open && (
        <div className="popover-panel" role="dialog">
          {children}
        </div>
      )}
    </div>
  );
}
