/**
 * A run's filter values as one array (`runs.facets`, GIN indexed), so that History filters
 * combined — project + status + agent, project + actor, model + status — are one index lookup
 * (`facets @> ARRAY[…]`) instead of a bitmap AND of several B-tree indexes followed by a sort of
 * every match. Each value is tagged with its field, so equal values of two fields never meet.
 */
import type { RunDetail, RunFilter } from "@keystroke/core";

/** The RunFilter fields kept in `facets`, and each one's tag. */
export const FACET_TAGS = {
  kind: "k",
  status: "s",
  project: "p",
  source: "o",
  trigger: "t",
  actor: "a",
  slug: "g",
  model: "m",
  service: "v",
} as const satisfies Partial<Record<keyof RunFilter, string>>;

export type FacetField = keyof typeof FACET_TAGS;

export const facet = (field: FacetField, value: string): string => `${FACET_TAGS[field]}:${value}`;

/** What `facets` holds for `run`. */
export function runFacets(run: RunDetail): string[] {
  return [
    facet("kind", run.kind),
    facet("status", run.status),
    facet("project", run.project),
    facet("source", run.source),
    facet("trigger", run.trigger),
    facet("actor", run.actor.id),
    facet("slug", run.slug),
    ...run.models.map((model) => facet("model", model)),
    ...run.services.map((service) => facet("service", service)),
  ];
}

/** The SQL expression of `runFacets` over the columns of `runs r` and its model and service rows. */
export const FACETS_OF_COLUMNS = `ARRAY['k:' || r.kind, 's:' || r.status, 'p:' || r.project, 'o:' || r.source,
  't:' || r.trigger, 'a:' || r.actor_id, 'g:' || r.slug]`;
