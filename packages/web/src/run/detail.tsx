/**
 * A collapsed detail (a `<details>` block) whose open state lives outside it, so it survives the
 * virtualised list unmounting and remounting the row it is in.
 */
import type { ReactNode } from "react";
import "./detail.css";

/** Which details of a list are open, by key. */
export interface Disclosure {
  isOpen(key: string): boolean;
  setOpen(key: string, open: boolean): void;
}

export function Detail({
  id,
  title,
  tone,
  disclosure,
  children,
}: {
  id: string;
  title: ReactNode;
  tone?: string;
  disclosure: Disclosure;
  children: ReactNode;
}) {
  return (
    <details
      className={tone ? `detail detail-${tone}` : "detail"}
      open={disclosure.isOpen(id)}
      onToggle={(event) => {
        const open = (event.currentTarget as HTMLDetailsElement).open;
        if (open !== disclosure.isOpen(id)) disclosure.setOpen(id, open);
      }}
    >
      <summary>{title}</summary>
      <div className="detail-body">{children}</div>
    </details>
  );
}
