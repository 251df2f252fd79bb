import { HistoryPage } from "./history/history-page";
import { ThemeToggle } from "./ui/theme-toggle";
import { navigate } from "./url/use-url";

/** The page's frame: the top bar and History, the one page of this app. */
export function App() {
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
        <span className="spacer" />
        <a className="ghost small" href="/api/openapi.json" target="_blank" rel="noreferrer">
          API
        </a>
        <ThemeToggle />
      </header>
      <HistoryPage />
    </>
  );
}
