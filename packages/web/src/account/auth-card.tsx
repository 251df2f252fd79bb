import { type ReactNode, useId } from "react";
import "./account.css";

/**
 * The frame of the pages one reaches before or around signing in (sign-in, first start, invite,
 * device approval): a centred card under a heading, as the page's main landmark.
 */
export function AuthCard({ title, lead, children }: { title: string; lead?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <main className="auth-page" aria-labelledby={id}>
      <div className="auth-card">
        <h1 id={id}>{title}</h1>
        {lead && <p className="auth-lead muted">{lead}</p>}
        {children}
      </div>
    </main>
  );
}
