/**
 * The first start (`/setup#<token>`): the console of an empty server prints this link once; it
 * creates the organization and its Owner (`POST /api/auth/setup`), signs them in and opens
 * History. The token stays in the fragment, which the browser never sends to a server.
 */
import { useCallback, useState } from "react";
import { slugFromName, slugPattern } from "../settings/slug";
import { Field } from "../ui/field";
import { useSubmit } from "../ui/use-submit";
import { navigate } from "../url/use-url";
import { setUp } from "./account-api";
import { EmailField, MissingToken, NameField, PasswordField, SubmitRow, useFragmentToken } from "./account-fields";
import { loadAccount } from "./account-store";
import { AuthCard } from "./auth-card";

export function SetupPage() {
  const token = useFragmentToken();
  const [organization, setOrganization] = useState("");
  const [organizationName, setOrganizationName] = useState("");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { pending, error, submit } = useSubmit(
    useCallback(async () => {
      const trimmed = name.trim();
      const orgName = organizationName.trim();
      await setUp({
        token,
        organization: organization.trim(),
        email: email.trim(),
        password,
        ...(orgName ? { organizationName: orgName } : {}),
        ...(trimmed ? { name: trimmed } : {}),
      });
      const account = await loadAccount();
      navigate(account.status === "signed-in" ? "/" : "/sign-in", { replace: true });
    }, [token, organization, organizationName, name, email, password]),
  );

  if (token === "") {
    return (
      <MissingToken title="This setup link has no token">
        <p className="muted">
          Open the <code>/setup#…</code> link the server printed on its first start, whole.
        </p>
      </MissingToken>
    );
  }
  return (
    <AuthCard title="Set up Keystroke" lead="Create the first organization and its Owner: you.">
      <form onSubmit={submit} aria-busy={pending}>
        <Field
          label="Organization name"
          name="organization-name"
          autoComplete="organization"
          placeholder="Acme Inc."
          value={organizationName}
          onChange={(event) => {
            if (organization === slugFromName(organizationName)) setOrganization(slugFromName(event.target.value));
            setOrganizationName(event.target.value);
          }}
        />
        <Field
          label="Organization slug"
          name="organization"
          required
          pattern={slugPattern}
          autoComplete="off"
          hint="Lowercase letters, digits, '.', '_' or '-'. Runs read <slug>/<project>."
          value={organization}
          onChange={(event) => setOrganization(event.target.value)}
        />
        <NameField value={name} onChange={setName} />
        <EmailField value={email} onChange={setEmail} />
        <PasswordField value={password} onChange={setPassword} autoComplete="new-password" />
        <SubmitRow error={error} pending={pending} label="Create organization" working="Creating…" />
      </form>
    </AuthCard>
  );
}
