import { HistoryPage } from "./history/history-page";
import { TriggersPage } from "./triggers/triggers-page";
import { NavLink } from "./ui/nav-link";
import { ThemeToggle } from "./ui/theme-toggle";
import { navigate, useUrl } from "./url/use-url";
import "./app.css";

/** The page's frame: the top bar, then History (`/`, `/runs/<id>`) or Triggers (`/triggers`). */
export function App() {
  const { path } = useUrl();
  const triggers = path === "/triggers";
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
        <nav className="topnav" aria-label="Pages">
          <NavLink href="/" current={!triggers}>
            History
          </NavLink>
          <NavLink href="/triggers" current={triggers}>
            Triggers
          </NavLink>
        </nav>
        <span className="spacer" />
        <a className="ghost small" href="/api/openapi.json" target="_blank" rel="noreferrer">
          API
        </a>
        <ThemeToggle />
      </header>
      {triggers ? <TriggersPage /> : <HistoryPage />}
    </>
  );
}
