/**
 * The Members tab: who is in the organization with their role and when they joined; Owners and
 * Admins change roles and remove members (only an Owner touches an Owner; the last Owner stays).
 * Above the list, the invite form.
 */
import { useState } from "react";
import { changeRole, listMembers, type Member, removeMember } from "../account/account-api";
import { assignableRoles, canRemoveMember, type OrgRole, orgRoles, roleLabels } from "../account/roles";
import { useLoaded } from "../api/use-loaded";
import { formatTime } from "../format/format";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";
import { ErrorState } from "../ui/states";
import { InviteForm } from "./invite-form";
import type { OrgContext } from "./org-context";

export function MembersTab({ org, role, me }: OrgContext) {
  const members = useLoaded((signal) => listMembers(org, signal), org);
  const [error, setError] = useState<unknown>();
  const owners = members.data?.filter((m) => m.role === "owner").length ?? 0;

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
    } catch (thrown) {
      setError(thrown);
    }
    members.reload();
  };

  return (
    <div className="settings-tab">
      <InviteForm org={org} role={role} />
      <h2 className="settings-heading">Members</h2>
      <FormError error={error} />
      {members.data === undefined ? (
        members.error !== undefined ? (
          <ErrorState error={members.error} onRetry={members.reload} />
        ) : (
          <p className="loading" role="status">
            Loading members…
          </p>
        )
      ) : (
        <table className="settings-table" aria-label="Members" aria-busy={members.loading}>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => (
              <MemberRow
                key={member.userId}
                member={member}
                isMe={member.userId === me.user.userId}
                roles={assignableRoles(role, member.role, owners)}
                removable={canRemoveMember(role, member.role, owners)}
                onRole={(next) => act(() => changeRole(org, member.userId, next))}
                onRemove={() => act(() => removeMember(org, member.userId))}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function MemberRow({
  member,
  isMe,
  roles,
  removable,
  onRole,
  onRemove,
}: {
  member: Member;
  isMe: boolean;
  /** The roles the reader may give this member; empty when they may not change it. */
  roles: OrgRole[];
  removable: boolean;
  onRole(role: OrgRole): Promise<void>;
  onRemove(): Promise<void>;
}) {
  const [pending, setPending] = useState(false);
  const change = async (next: OrgRole) => {
    setPending(true);
    await onRole(next);
    setPending(false);
  };
  return (
    <tr data-user-id={member.userId}>
      <td>
        {member.email}
        {isMe && <span className="muted small"> (you)</span>}
      </td>
      <td>{member.name || <span className="muted">—</span>}</td>
      <td>
        <select
          aria-label={`Role of ${member.email}`}
          value={member.role}
          disabled={roles.length === 0 || pending}
          onChange={(event) => void change(event.target.value as OrgRole)}
        >
          {orgRoles.map((r) => (
            <option key={r} value={r} disabled={r !== member.role && !roles.includes(r)}>
              {roleLabels[r]}
            </option>
          ))}
        </select>
      </td>
      <td className="num">{formatTime(member.joinedAt)}</td>
      <td className="settings-actions">
        <ConfirmButton
          label="Remove"
          name={`Remove ${member.email}`}
          question={`Remove ${member.email}?`}
          disabled={!removable}
          disabledReason={member.role === "owner" ? "Only an Owner removes an Owner; the last Owner stays" : undefined}
          onConfirm={onRemove}
        />
      </td>
    </tr>
  );
}
