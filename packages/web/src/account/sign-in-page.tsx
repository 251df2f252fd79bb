/**
 * The sign-in page (`/sign-in?next=<path>`): email and password, `POST /api/auth/login`, then
 * back to `next` (a path of this site only). Refusals read as the API words them: a wrong
 * password (401), too many attempts (429, with how long to wait).
 */
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api/api";
import { useSubmit } from "../ui/use-submit";
import { navigate, useUrl } from "../url/use-url";
import { signIn } from "./account-api";
import { EmailField, PasswordField, SubmitRow } from "./account-fields";
import { safeNext } from "./account-routes";
import { loadAccount, useAccount } from "./account-store";
import { AuthCard } from "./auth-card";
import { NoSignIn } from "./no-sign-in";

/** Thrown when the server accepted the password but the browser holds no session after it. */
const noSession = new ApiError(
  "Signed in, but this browser kept no session cookie.",
  0,
  "Open the page at the server's public address (over https when the server is behind https) and allow its cookies.",
);

export function SignInPage() {
  const { params } = useUrl();
  const next = safeNext(params.get("next"));
  const account = useAccount();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  useEffect(() => {
    if (account.status === "signed-in") navigate(next, { replace: true });
  }, [account.status, next]);

  const { pending, error, submit } = useSubmit(
    useCallback(async () => {
      await signIn(email.trim(), password);
      if ((await loadAccount()).status !== "signed-in") throw noSession;
    }, [email, password]),
  );

  if (account.status === "off") return <NoSignIn />;
  return (
    <AuthCard title="Sign in to Keystroke" lead="Use the email and password of your Keystroke account.">
      <form onSubmit={submit} aria-busy={pending}>
        <EmailField value={email} onChange={setEmail} />
        <PasswordField value={password} onChange={setPassword} autoComplete="current-password" />
        <SubmitRow error={error} pending={pending} label="Sign in" working="Signing in…" />
      </form>
    </AuthCard>
  );
}
