/**
 * An invite link for a new member: the role (Owners and Admins invite Admins and Builders,
 * Builders invite Builders), optionally the one email it is for. The link is valid 7 days, once;
 * the page shows it with a copy button and when it expires.
 */
import { useCallback, useState } from "react";
import { createInvite, type Invite } from "../account/account-api";
import { invitableRoles, type OrgRole, roleLabels } from "../account/roles";
import { formatTime } from "../format/format";
import { CopyButton } from "../ui/copy-button";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { useSubmit } from "../ui/use-submit";

export function InviteForm({ org, role }: { org: string; role: OrgRole }) {
  const roles = invitableRoles(role);
  const [inviteRole, setInviteRole] = useState<OrgRole>(roles.at(-1) ?? "builder");
  const [email, setEmail] = useState("");
  const [invite, setInvite] = useState<Invite & { role: OrgRole }>();
  const { pending, error, submit } = useSubmit(
    useCallback(async () => {
      setInvite(undefined);
      const trimmed = email.trim();
      const created = await createInvite(org, { role: inviteRole, ...(trimmed ? { email: trimmed } : {}) });
      setInvite({ ...created, role: inviteRole });
    }, [org, inviteRole, email]),
  );
  return (
    <section className="settings-card" aria-labelledby="invite-heading">
      <h2 id="invite-heading" className="settings-heading">
        Invite
      </h2>
      <form className="settings-form" onSubmit={submit} aria-busy={pending}>
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select
            id="invite-role"
            value={inviteRole}
            onChange={(event) => setInviteRole(event.target.value as OrgRole)}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Email (optional)"
          type="email"
          name="invite-email"
          autoComplete="off"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <button type="submit" disabled={pending}>
          {pending ? "Creating link…" : "Create invite link"}
        </button>
      </form>
      <FormError error={error} />
      {invite && (
        <div className="settings-secret" role="status">
          <p>
            Send this link to the person you invite as {roleLabels[invite.role]}. It works once
            {invite.expiresAt ? `, until ${formatTime(invite.expiresAt)}` : ""}.
          </p>
          <p className="settings-secret-value">
            <code>{invite.url}</code>
            <CopyButton text={invite.url} label="Copy link" />
          </p>
        </div>
      )}
    </section>
  );
}
