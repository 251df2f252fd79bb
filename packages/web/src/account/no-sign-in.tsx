import { NavLink } from "../ui/nav-link";
import { AuthCard } from "./auth-card";

/** What an account page says on a server without sign-in (`keystroke dev`, `serve --no-auth`). */
export function NoSignIn() {
  return (
    <AuthCard title="No sign-in on this server" lead="This Keystroke server is open: it needs no account.">
      <p className="auth-actions">
        <NavLink href="/" current={false}>
          Go to History
        </NavLink>
      </p>
    </AuthCard>
  );
}
