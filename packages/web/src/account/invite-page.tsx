/**
 * Accepting an invite (`/invite#<token>`): email, name and password join the organization,
 * creating the user when the email is new (`POST /api/auth/invites/accept`). When the server
 * signed the reader in, History opens; otherwise the page says they joined and offers sign-in.
 */
import { useCallback, useState } from "react";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { NavLink } from "../ui/nav-link";
import { EmptyState } from "../ui/states";
import { useSubmit } from "../ui/use-submit";
import { navigate } from "../url/use-url";
import { acceptInvite } from "./account-api";
import { loadAccount } from "./account-store";
import { AuthCard } from "./auth-card";

export function InvitePage() {
  const [token] = useState(() => decodeURIComponent(window.location.hash.slice(1)));
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [joined, setJoined] = useState(false);
  const { pending, error, submit } = useSubmit(
    useCallback(async () => {
      const trimmed = name.trim();
      await acceptInvite({ token, email: email.trim(), password, ...(trimmed ? { name: trimmed } : {}) });
      if ((await loadAccount()).status === "signed-in") navigate("/", { replace: true });
      else setJoined(true);
    }, [token, email, name, password]),
  );

  if (token === "") {
    return (
      <main className="auth-page">
        <EmptyState title="This invite link has no token">
          <p className="muted">Open the whole link you were sent; it ends with #…</p>
        </EmptyState>
      </main>
    );
  }
  if (joined) {
    return (
      <AuthCard title="You joined" lead="Your account is ready. Sign in with the email and password you chose.">
        <p className="auth-actions">
          <NavLink href="/sign-in" current={false}>
            Sign in
          </NavLink>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Join an organization"
      lead="You were invited to Keystroke. An existing account joins with its password; a new email creates one."
    >
      <form onSubmit={submit} aria-busy={pending}>
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <Field
          label="Your name"
          name="name"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <FormError error={error} />
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Joining…" : "Join"}
        </button>
      </form>
    </AuthCard>
  );
}
