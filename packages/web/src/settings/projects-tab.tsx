/**
 * The Projects tab: the projects the reader can access in the organization, and a form to create
 * one (any member may; its creator becomes its Project Admin). Runs of a project read as
 * `<organization>/<project>` in History.
 */
import { useCallback, useState } from "react";
import { createProject, listProjects } from "../account/account-api";
import { useLoaded } from "../api/use-loaded";
import { formatTime } from "../format/format";
import { Field } from "../ui/field";
import { FormError } from "../ui/form-error";
import { EmptyState, ErrorState } from "../ui/states";
import { useSubmit } from "../ui/use-submit";
import type { OrgContext } from "./org-context";
import { slugFromName, slugPattern } from "./slug";

export function ProjectsTab({ org }: OrgContext) {
  const projects = useLoaded((signal) => listProjects(org, signal), org);
  return (
    <div className="settings-tab">
      <CreateProjectForm org={org} onCreated={projects.reload} />
      <h2 className="settings-heading">Projects</h2>
      {projects.data === undefined ? (
        projects.error !== undefined ? (
          <ErrorState error={projects.error} onRetry={projects.reload} />
        ) : (
          <p className="loading" role="status">
            Loading projects…
          </p>
        )
      ) : projects.data.length === 0 ? (
        <EmptyState title="No projects yet">
          <p className="muted">Create one here, or with keystroke projects create --name.</p>
        </EmptyState>
      ) : (
        <table className="settings-table" aria-label="Projects" aria-busy={projects.loading}>
          <thead>
            <tr>
              <th scope="col">Slug</th>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {projects.data.map((project) => (
              <tr key={project.slug} data-project={project.slug}>
                <td>
                  <code>{project.slug}</code>
                </td>
                <td>{project.name}</td>
                <td className="num">{formatTime(project.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function CreateProjectForm({ org, onCreated }: { org: string; onCreated(): void }) {
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  /** The slug follows the name until the reader types one. */
  const [slugTyped, setSlugTyped] = useState(false);
  const [created, setCreated] = useState<string>();
  const { pending, error, submit } = useSubmit(
    useCallback(async () => {
      setCreated(undefined);
      await createProject(org, { slug, name: name.trim() });
      setCreated(slug);
      setName("");
      setSlug("");
      setSlugTyped(false);
      onCreated();
    }, [org, slug, name, onCreated]),
  );
  return (
    <section className="settings-card" aria-labelledby="create-project-heading">
      <h2 id="create-project-heading" className="settings-heading">
        Create project
      </h2>
      <form className="settings-form" onSubmit={submit} aria-busy={pending}>
        <Field
          label="Name"
          name="project-name"
          required
          autoComplete="off"
          placeholder="Support"
          value={name}
          onChange={(event) => {
            setName(event.target.value);
            if (!slugTyped) setSlug(slugFromName(event.target.value));
          }}
        />
        <Field
          label="Slug"
          name="project-slug"
          required
          autoComplete="off"
          pattern={slugPattern}
          title="Lowercase letters, digits, '.', '_' or '-'"
          placeholder="support"
          value={slug}
          onChange={(event) => {
            setSlug(event.target.value);
            setSlugTyped(event.target.value !== "");
          }}
        />
        <button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create project"}
        </button>
      </form>
      <FormError error={error} />
      {created && (
        <p className="muted small" role="status">
          Created {org}/{created}.
        </p>
      )}
    </section>
  );
}
