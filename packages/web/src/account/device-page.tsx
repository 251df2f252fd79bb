/**
 * The CLI's device sign-in (`/device?code=ABCD-EFGH`): `keystroke auth login` prints this link
 * and waits; the signed-in reader checks the code matches their terminal and approves it
 * (`POST /api/auth/device/approve`). Signed out, the app sends them to sign in first.
 */
import { useCallback, useState } from "react";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { ErrorState } from "../ui/states";
import { useSubmit } from "../ui/use-submit";
import { navigate, useUrl } from "../url/use-url";
import { approveDevice, normalizeUserCode } from "./account-api";
import { loadAccount, useAccount } from "./account-store";
import { AuthCard } from "./auth-card";
import { NoSignIn } from "./no-sign-in";

export function DevicePage() {
  const { params } = useUrl();
  const account = useAccount();
  const fromUrl = normalizeUserCode(params.get("code") ?? "");
  const [typed, setTyped] = useState("");
  const [approved, setApproved] = useState(false);
  const code = fromUrl || normalizeUserCode(typed);
  const { pending, error, submit } = useSubmit(
    useCallback(async () => {
      await approveDevice(code);
      setApproved(true);
    }, [code]),
  );

  if (account.status === "off") return <NoSignIn />;
  if (account.status === "failed") return <ErrorState error={account.error} onRetry={() => void loadAccount()} />;
  if (account.status !== "signed-in") {
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  }
  if (approved) {
    return (
      <AuthCard title="The CLI is signed in" lead="Go back to your terminal; you can close this tab.">
        <p className="user-code mono">{code}</p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Sign in the CLI"
      lead={
        <>
          The CLI will act as <strong>{account.me.user.email}</strong> in your organizations. Approve only a code your
          own terminal shows.
        </>
      }
    >
      <form onSubmit={submit} aria-busy={pending}>
        {fromUrl ? (
          <p>
            Approve the CLI signing in with code <span className="user-code mono">{fromUrl}</span>
          </p>
        ) : (
          <Field
            label="Code shown by the CLI"
            name="code"
            required
            autoComplete="off"
            placeholder="ABCD-EFGH"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
        )}
        <FormError error={error} />
        <div className="auth-actions">
          <button type="submit" className="primary" disabled={pending}>
            {pending ? "Approving…" : "Approve"}
          </button>
          <button type="button" onClick={() => navigate("/")}>
            Cancel
          </button>
        </div>
      </form>
    </AuthCard>
  );
}
