/**
 * What `serve` and `worker` print about deploys they did not receive themselves: the one a
 * process started on, and each one it took up later from another replica (or could not load).
 */
import type { DeployRecord } from "@keystroke/store";

/** `Deploy 3f2a9c1e0b7d of acme/support: support, billing`. */
export function deployLine(deploy: DeployRecord): string {
  const parts = [...deploy.agents, ...deploy.workflows];
  return `Deploy ${deploy.hash.slice(0, 12)} of ${deploy.organization}/${deploy.project}: ${parts.join(", ") || "no agents or workflows"}`;
}

/** The line for a deploy made through another process: taken up, or refused with its reason. */
export function followedDeployLine(taken: { deploy: DeployRecord } | { deployId: string; error: unknown }): string {
  if ("deploy" in taken) return `Now serving ${deployLine(taken.deploy)}`;
  const reason = taken.error instanceof Error ? taken.error.message : String(taken.error);
  return `Deploy ${taken.deployId} did not load here, the previous version keeps serving: ${reason}`;
}

/** The line for a live deploy that did not load at start, or for live deploys that could not be read. */
export function failedDeployLine(failed: { deployId?: string; error: unknown }): string {
  if (failed.deployId) return followedDeployLine({ deployId: failed.deployId, error: failed.error });
  const reason = failed.error instanceof Error ? failed.error.message : String(failed.error);
  return `The live deploys could not be read, no deployed project is served yet: ${reason}`;
}
