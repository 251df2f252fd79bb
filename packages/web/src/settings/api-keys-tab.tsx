/**
 * The API keys tab: the organization's keys (Builders see their own, Owners and Admins all),
 * each by its preview, never the key; creating one shows the key once; revoking asks first.
 */
import { useState } from "react";
import { type ApiKey, listApiKeys, listProjects, type Project, revokeApiKey } from "../account/account-api";
import { canRevokeKey } from "../account/roles";
import { useLoaded } from "../api/use-loaded";
import { formatTime } from "../format/format";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";
import { EmptyState, ErrorState } from "../ui/states";
import { CreateKeyForm } from "./create-key-form";
import type { OrgContext } from "./org-context";

/** The slug a key's project reads as: the server may name it by slug or by id. */
const projectOf = (key: ApiKey, projects: readonly Project[] | undefined) =>
  key.project === null ? undefined : (projects?.find((p) => p.projectId === key.project)?.slug ?? key.project);

export function ApiKeysTab({ org, role, me }: OrgContext) {
  const keys = useLoaded((signal) => listApiKeys(org, signal), org);
  const projects = useLoaded((signal) => listProjects(org, signal), org);
  const [error, setError] = useState<unknown>();

  const revoke = async (key: ApiKey) => {
    setError(undefined);
    try {
      await revokeApiKey(org, key.keyId);
    } catch (thrown) {
      setError(thrown);
    }
    keys.reload();
  };

  return (
    <div className="settings-tab">
      <CreateKeyForm org={org} projects={projects.data} onCreated={keys.reload} />
      <h2 className="settings-heading">API keys</h2>
      <FormError error={error} />
      {keys.data === undefined ? (
        keys.error !== undefined ? (
          <ErrorState error={keys.error} onRetry={keys.reload} />
        ) : (
          <p className="loading" role="status">
            Loading API keys…
          </p>
        )
      ) : keys.data.length === 0 ? (
        <EmptyState title="No API keys yet">
          <p className="muted">A key lets a program call this server as you; bind it to a project for OTLP.</p>
        </EmptyState>
      ) : (
        <table className="settings-table" aria-label="API keys" aria-busy={keys.loading}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Project</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.keyId} data-key-id={key.keyId} className={key.revokedAt ? "is-revoked" : undefined}>
                <td>{key.name}</td>
                <td>
                  <code>{key.preview}</code>
                </td>
                <td>{projectOf(key, projects.data) ?? <span className="muted">Any</span>}</td>
                <td className="num">{formatTime(key.createdAt)}</td>
                <td className="num">
                  {key.lastUsedAt ? formatTime(key.lastUsedAt) : <span className="muted">Never</span>}
                </td>
                <td>
                  {key.revokedAt ? (
                    <span className="key-revoked" title={`Revoked ${formatTime(key.revokedAt)}`}>
                      Revoked
                    </span>
                  ) : (
                    <span className="key-active">Active</span>
                  )}
                </td>
                <td className="settings-actions">
                  {!key.revokedAt && (
                    <ConfirmButton
                      label="Revoke"
                      name={`Revoke ${key.name}`}
                      question="Revoke this key? Programs using it fail at once."
                      disabled={key.userId !== undefined && !canRevokeKey(role, me.user.userId, key.userId)}
                      disabledReason="Only its creator, an Owner or an Admin revokes a key"
                      onConfirm={() => revoke(key)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
