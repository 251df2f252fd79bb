/**
 * Settings (`/settings?tab=members|api-keys|projects`) of the active organization on a team
 * server: its members and invites, its API keys, its projects. What the reader's role may not do
 * is shown disabled; the server decides in the end and its refusals are shown as it words them.
 */
import { activeMembership } from "../account/account-api";
import { loadAccount, useAccount } from "../account/account-store";
import { roleLabels } from "../account/roles";
import { EmptyState, ErrorState } from "../ui/states";
import { TabList, tabId } from "../ui/tab-list";
import { navigate, useUrl } from "../url/use-url";
import { ApiKeysTab } from "./api-keys-tab";
import { MembersTab } from "./members-tab";
import type { OrgContext } from "./org-context";
import { ProjectsTab } from "./projects-tab";
import "./settings.css";

const tabs = [
  { id: "members", label: "Members" },
  { id: "api-keys", label: "API keys" },
  { id: "projects", label: "Projects" },
] as const;

type SettingsTab = (typeof tabs)[number]["id"];

const isTab = (value: string | null): value is SettingsTab => tabs.some((t) => t.id === value);

export function SettingsPage() {
  const account = useAccount();
  const { params } = useUrl();
  const requested = params.get("tab");
  const tab: SettingsTab = isTab(requested) ? requested : "members";

  if (account.status === "loading" || account.status === "signed-out") {
    return (
      <p className="loading" role="status">
        Loading settings…
      </p>
    );
  }
  if (account.status === "failed") return <ErrorState error={account.error} onRetry={() => void loadAccount()} />;
  if (account.status === "off") {
    return (
      <EmptyState title="No settings on this server">
        <p className="muted">Members, API keys and projects belong to a team server with sign-in (keystroke serve).</p>
      </EmptyState>
    );
  }
  const { me } = account;
  const membership = activeMembership(me);
  if (membership === undefined) {
    return (
      <EmptyState title="You are in no organization">
        <p className="muted">Ask an Owner or Admin of your team for an invite link.</p>
      </EmptyState>
    );
  }
  const context: OrgContext = { org: membership.slug, role: membership.role, me };
  return (
    <section className="settings-page" aria-label="Settings">
      <div className="toolbar">
        <h1>Settings</h1>
        <span className="muted">
          {membership.name} · your role: {roleLabels[membership.role]}
        </span>
      </div>
      <TabList
        label="Settings"
        tabs={tabs}
        selected={tab}
        prefix="settings"
        panelId="settings-panel"
        className="tabs settings-tabs"
        tabClassName="tab"
        onSelect={(id) => navigate(`/settings?tab=${id}`, { replace: true })}
      />
      <div className="settings-panel" role="tabpanel" id="settings-panel" aria-labelledby={tabId("settings", tab)}>
        {tab === "members" ? (
          <MembersTab {...context} />
        ) : tab === "api-keys" ? (
          <ApiKeysTab {...context} />
        ) : (
          <ProjectsTab {...context} />
        )}
      </div>
    </section>
  );
}
