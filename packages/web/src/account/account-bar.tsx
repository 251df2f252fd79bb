/**
 * The signed-in part of the top bar: the organization switcher (the `keystroke_org` cookie,
 * then who-am-I again, which re-reads the page's data), the user's email, and Sign out.
 */
import { useState } from "react";
import { ApiError } from "../api/api";
import { FormError } from "../ui/form-error";
import { navigate, openRunId } from "../url/use-url";
import { activeMembership, type Me, signOut } from "./account-api";
import { signInPath } from "./account-routes";
import { forgetAccount, loadAccount } from "./account-store";
import { writeOrgCookie } from "./org-cookie";
import "./account.css";

export function AccountBar({ me }: { me: Me }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const active = activeMembership(me);

  const switchTo = async (slug: string) => {
    setPending(true);
    writeOrgCookie(slug);
    if (openRunId(window.location.pathname) !== undefined) navigate("/");
    await loadAccount();
    setPending(false);
  };

  const leave = async () => {
    setPending(true);
    setError(undefined);
    try {
      await signOut();
    } catch (thrown) {
      if (!(thrown instanceof ApiError && thrown.status === 401)) {
        setError(thrown);
        setPending(false);
        return;
      }
    }
    forgetAccount();
    navigate(signInPath);
  };

  return (
    <div className="account-bar">
      {me.organizations.length > 0 && (
        <select
          aria-label="Organization"
          value={active?.slug}
          disabled={pending}
          onChange={(event) => void switchTo(event.target.value)}
        >
          {me.organizations.map((org) => (
            <option key={org.slug} value={org.slug}>
              {org.name}
            </option>
          ))}
        </select>
      )}
      <span className="account-email small muted" title={me.user.name || undefined}>
        {me.user.email}
      </span>
      <button type="button" className="ghost small" disabled={pending} onClick={leave}>
        Sign out
      </button>
      <FormError error={error} />
    </div>
  );
}
