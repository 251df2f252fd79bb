import type { ReactNode } from "react";
import { navigate } from "../url/use-url";
import "./nav-link.css";

/** A link of the top bar's page navigation; the page being shown is marked `aria-current`. */
export function NavLink({ href, current, children }: { href: string; current: boolean; children: ReactNode }) {
  return (
    <a
      href={href}
      className="nav-link"
      aria-current={current ? "page" : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
