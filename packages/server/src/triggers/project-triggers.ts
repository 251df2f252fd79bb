/**
 * The trigger engines of the projects deployed to a server, one per project (its own clock,
 * attachments and state kept under its name, its webhooks under
 * `/api/triggers/<organization>/<project>/…`), beside the engine of the project a server serves
 * from its folder (`server.triggers`).
 */
import type { TriggerService } from "./trigger-service.js";

export class ProjectTriggers {
  readonly #byProject = new Map<string, TriggerService>();
  #closed = false;

  /** `make` creates the engine of a project (its run `project` value, `org/project`). */
  constructor(private readonly make: (project: string) => TriggerService) {}

  /** The engine of `project`, created the first time. */
  of(project: string): TriggerService {
    let triggers = this.#byProject.get(project);
    if (!triggers) {
      if (this.#closed) throw new Error("The server is closing");
      triggers = this.make(project);
      this.#byProject.set(project, triggers);
    }
    return triggers;
  }

  get(project: string): TriggerService | undefined {
    return this.#byProject.get(project);
  }

  /** The engine serving a webhook path under `/api/triggers` (`/acme/support/orders`), and the endpoint left. */
  forWebhook(path: string): { triggers: TriggerService; endpoint: string } | undefined {
    const [, org, project, ...rest] = path.split("/");
    const triggers = org && project ? this.#byProject.get(`${org}/${project}`) : undefined;
    return triggers && rest.length > 0 ? { triggers, endpoint: `/${rest.join("/")}` } : undefined;
  }

  /**
   * The one deployed project with a webhook at `endpoint`, for its URL without the project
   * (`/api/triggers/orders`, as a server hosting one deployed project served it); undefined when
   * none or several have one.
   */
  soleWithEndpoint(endpoint: string): TriggerService | undefined {
    const having = this.all().filter((triggers) => triggers.current.byEndpoint.get(endpoint)?.kind === "webhook");
    return having.length === 1 ? having[0] : undefined;
  }

  all(): TriggerService[] {
    return [...this.#byProject.values()];
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.all().map((triggers) => triggers.close()));
  }
}
