/**
 * The attachments of the loaded project, indexed the ways the engine looks them up: by id, by
 * source slug, by webhook endpoint. Built on every (re)load; checks what a single attachment
 * cannot: two sources with one slug or one endpoint, an attachment id used twice, a target that
 * is not in the project, a schedule croner refuses.
 */
import { KeystrokeError } from "@keystroke/core";
import type { TriggerAttachment, TriggerSource } from "keystroke/trigger";
import { targetSlug } from "./trigger-labels.js";
import { parseSchedule, type Schedule } from "./trigger-schedule.js";

export interface TargetFlags {
  workflow?: string;
  agent?: string;
}

export class TriggerRegistry {
  readonly byId = new Map<string, TriggerAttachment>();
  readonly bySource = new Map<string, TriggerAttachment[]>();
  readonly sources = new Map<string, TriggerSource>();
  readonly byEndpoint = new Map<string, TriggerSource>();
  /** The parsed schedule of each cron and poll source, by source slug. */
  readonly schedules = new Map<string, Schedule>();

  /**
   * @example
   * const registry = new TriggerRegistry(project.triggers, { workflows: ["refund-review"], agents: ["support"] });
   */
  constructor(attachments: readonly TriggerAttachment[], known: { workflows: string[]; agents: string[] }) {
    for (const attachment of attachments) {
      const { source } = attachment;
      const other = this.sources.get(source.slug);
      if (other && other !== source) {
        throw conflict(`Two trigger sources have the slug "${source.slug}"`, "Give each source its own slug");
      }
      if (this.byId.has(attachment.id) && this.byId.get(attachment.id) !== attachment) {
        throw conflict(`Trigger "${attachment.id}" is attached twice`, "Attach a source to a target once");
      }
      const slug = targetSlug(attachment);
      const list = attachment.target.kind === "workflow" ? known.workflows : known.agents;
      if (!list.includes(slug)) {
        throw new KeystrokeError(
          "invalid_input",
          `Trigger "${attachment.id}" targets ${attachment.target.kind} "${slug}", which this project does not define`,
          { hint: `Export it from src/${attachment.target.kind}s/`, details: { field: attachment.target.kind } },
        );
      }
      if (!other) {
        this.sources.set(source.slug, source);
        this.bySource.set(source.slug, []);
        if (source.kind === "webhook") {
          const taken = this.byEndpoint.get(source.endpoint);
          if (taken) {
            throw conflict(
              `Trigger sources "${taken.slug}" and "${source.slug}" share the endpoint ${source.endpoint}`,
              "One source per endpoint; attach that source to several targets instead",
            );
          }
          this.byEndpoint.set(source.endpoint, source);
        } else {
          this.schedules.set(
            source.slug,
            parseSchedule(source.schedule, source.kind === "cron" ? source.timezone : undefined, source.slug),
          );
        }
      }
      this.byId.set(attachment.id, attachment);
      this.bySource.get(source.slug)?.push(attachment);
    }
  }

  /** The source with this slug, or `not_found` naming the known ones. */
  source(slug: string): TriggerSource {
    const source = this.sources.get(slug);
    if (source) return source;
    const known = [...this.sources.keys()].sort();
    throw new KeystrokeError("not_found", `No trigger source "${slug}" in this project`, {
      hint: known.length ? `Known trigger sources: ${known.join(", ")}` : "This project has no src/triggers",
      details: { slug, known },
    });
  }

  /** The source's attachments to the flagged target (all without flags), or `not_found`. */
  attachments(slug: string, flags: TargetFlags = {}): TriggerAttachment[] {
    this.source(slug);
    const all = this.bySource.get(slug) ?? [];
    const matching = all.filter(
      (a) =>
        (flags.workflow === undefined || (a.target.kind === "workflow" && a.target.workflow.slug === flags.workflow)) &&
        (flags.agent === undefined || (a.target.kind === "agent" && a.target.agent.slug === flags.agent)),
    );
    if (matching.length) return matching;
    const wanted = flags.workflow !== undefined ? `workflow "${flags.workflow}"` : `agent "${flags.agent}"`;
    throw new KeystrokeError("not_found", `Trigger source "${slug}" is not attached to ${wanted}`, {
      hint: `Its attachments: ${all.map((a) => a.id).join(", ")}`,
      details: { slug, ...flags, attachments: all.map((a) => a.id) },
    });
  }
}

function conflict(message: string, hint: string): KeystrokeError {
  return new KeystrokeError("conflict", message, { hint });
}
