import { Fragment, type ReactNode, useEffect } from "react";
import { activeMembership } from "./account/account-api";
import { AccountBar } from "./account/account-bar";
import { needsSession, signInHref, signInPath } from "./account/account-routes";
import { loadAccount, useAccount, watchUnauthorized } from "./account/account-store";
import { DevicePage } from "./account/device-page";
import { InvitePage } from "./account/invite-page";
import { SetupPage } from "./account/setup-page";
import { SignInPage } from "./account/sign-in-page";
import { HistoryPage } from "./history/history-page";
import { SettingsPage } from "./settings/settings-page";
import { TriggersPage } from "./triggers/triggers-page";
import { NavLink } from "./ui/nav-link";
import { ThemeToggle } from "./ui/theme-toggle";
import { navigate, queryString, useUrl } from "./url/use-url";
import "./app.css";

const pages: Record<string, () => ReactNode> = {
  "/triggers": () => <TriggersPage />,
  "/settings": () => <SettingsPage />,
  [signInPath]: () => <SignInPage />,
  "/setup": () => <SetupPage />,
  "/invite": () => <InvitePage />,
  "/device": () => <DevicePage />,
};

/**
 * The page's frame: the top bar, then History (`/`, `/runs/<id>`), Triggers, Settings or an
 * account page. On a team server a signed-out reader is sent to sign in (and back afterwards);
 * on a server without sign-in nothing of the account shows.
 */
export function App() {
  const { path, params } = useUrl();
  const account = useAccount();
  const here = path + queryString(params);
  const signedOut = account.status === "signed-out";

  useEffect(() => {
    void loadAccount();
    return watchUnauthorized();
  }, []);
  useEffect(() => {
    if (signedOut && needsSession(path)) navigate(signInHref(here), { replace: true });
  }, [signedOut, path, here]);

  const me = account.status === "signed-in" ? account.me : undefined;
  const showNav = needsSession(path) ? !signedOut : account.status === "signed-in" || account.status === "off";
  const page = pages[path];
  return (
    <>
      <header className="topbar">
        <a
          href="/"
          className="brand"
          onClick={(event) => {
            event.preventDefault();
            navigate("/");
          }}
        >
          <img src="/favicon.svg" alt="" width="20" height="20" />
          Keystroke
        </a>
        {showNav && (
          <nav className="topnav" aria-label="Pages">
            <NavLink href="/" current={page === undefined}>
              History
            </NavLink>
            <NavLink href="/triggers" current={path === "/triggers"}>
              Triggers
            </NavLink>
            {me && (
              <NavLink href="/settings" current={path === "/settings"}>
                Settings
              </NavLink>
            )}
          </nav>
        )}
        <span className="spacer" />
        {me && <AccountBar me={me} />}
        <a className="ghost small" href="/api/openapi.json" target="_blank" rel="noreferrer">
          API
        </a>
        <ThemeToggle />
      </header>
      {signedOut && needsSession(path) ? null : (
        <Fragment key={me && activeMembership(me)?.slug}>{page ? page() : <HistoryPage />}</Fragment>
      )}
    </>
  );
}
