/**
 * Accepting an invite (`/invite#<token>`): email, name and password join the organization,
 * creating the user when the email is new (`POST /api/auth/invites/accept`). When the server
 * signed the reader in, History opens; otherwise the page says they joined and offers sign-in.
 */
import { useCallback, useState } from "react";
import { NavLink } from "../ui/nav-link";
import { useSubmit } from "../ui/use-submit";
import { navigate } from "../url/use-url";
import { acceptInvite } from "./account-api";
import { EmailField, MissingToken, NameField, PasswordField, SubmitRow, useFragmentToken } from "./account-fields";
import { loadAccount } from "./account-store";
import { AuthCard } from "./auth-card";

export function InvitePage() {
  const token = useFragmentToken();
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
      <MissingToken title="This invite link has no token">
        <p className="muted">Open the whole link you were sent; it ends with #…</p>
      </MissingToken>
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
        <EmailField value={email} onChange={setEmail} />
        <NameField value={name} onChange={setName} />
        <PasswordField value={password} onChange={setPassword} autoComplete="new-password" />
        <SubmitRow error={error} pending={pending} label="Join" working="Joining…" />
      </form>
    </AuthCard>
  );
}
