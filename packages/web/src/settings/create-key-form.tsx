/**
 * Creating an API key: a name and, optionally, the project it is bound to (the OTLP receiver
 * needs one). The server answers the key itself this once; the page shows it with a copy button
 * and says it will not be shown again, until the reader dismisses it.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { createApiKey, type Project } from "../account/account-api";
import { CopyButton } from "../ui/copy-button";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { useSubmit } from "../ui/use-submit";

export function CreateKeyForm({
  org,
  projects,
  onCreated,
}: {
  org: string;
  projects: readonly Project[] | undefined;
  onCreated(): void;
}) {
  const [name, setName] = useState("");
  const [project, setProject] = useState("");
  const [created, setCreated] = useState<{ name: string; key: string }>();
  const { pending, error, submit } = useSubmit(
    useCallback(async () => {
      setCreated(undefined);
      const keyName = name.trim();
      const key = await createApiKey(org, { name: keyName, ...(project ? { project } : {}) });
      setCreated({ name: keyName, key });
      setName("");
      onCreated();
    }, [org, name, project, onCreated]),
  );
  const shown = useRef<HTMLElement>(null);
  useEffect(() => {
    if (created) shown.current?.focus();
  }, [created]);

  return (
    <section className="settings-card" aria-labelledby="create-key-heading">
      <h2 id="create-key-heading" className="settings-heading">
        Create key
      </h2>
      <form className="settings-form" onSubmit={submit} aria-busy={pending}>
        <Field
          label="Name"
          name="key-name"
          required
          autoComplete="off"
          placeholder="ci-deploy"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <div className="field">
          <label htmlFor="key-project">Project</label>
          <select id="key-project" value={project} onChange={(event) => setProject(event.target.value)}>
            <option value="">No project</option>
            {projects?.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.name ? `${p.name} (${p.slug})` : p.slug}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </button>
      </form>
      <FormError error={error} />
      {created && (
        <section className="settings-secret" ref={shown} tabIndex={-1} aria-labelledby="new-key-heading">
          <h3 id="new-key-heading">Your new key “{created.name}”</h3>
          <p className="settings-secret-value">
            <code data-testid="new-api-key">{created.key}</code>
            <CopyButton text={created.key} label="Copy key" />
          </p>
          <p>
            <strong>Copy it now: you will not see it again.</strong> The server keeps only a hash; the list shows its
            preview.
          </p>
          <button type="button" onClick={() => setCreated(undefined)}>
            Done
          </button>
        </section>
      )}
    </section>
  );
}
