/**
 * `keystroke deploy [--filter agents/support]`: typechecks the project, uploads its config and
 * src/ with the packages they import (bundled) to the team server it is linked to, and prints the
 * deploy once the server serves it; `keystroke deploys list`: the project's deploys, newest
 * first. The organization and project come from keystroke.config.ts (or --organization /
 * --project); the server is --url, KEYSTROKE_URL, or the one `keystroke auth login` signed in to
 * last. A server hosts every project deployed to it.
 */
import { dirname } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import type { CommandContext } from "../../output/command-context.js";
import { renderTable } from "../../output/render-table.js";
import { CONFIG_FILE, readLinkedConfig } from "../../project-config/project-link.js";
import { resolveAccountTarget, type Target } from "../../target/resolve-target.js";
import { type DeployRecord, listDeploys, postDeploy } from "./deploy-request.js";
import { collectUpload } from "./project-upload.js";
import { typecheck } from "./typecheck.js";

const deployFlags = z.object({
  filter: z
    .string()
    .regex(/^(agents|actions|workflows|triggers)\/[A-Za-z0-9_.-]+$/, "expected a module such as agents/support")
    .optional(),
});

interface Deployment {
  dir: string;
  organization: string;
  project: string;
  target: Target;
}

/** The project folder, its organization and project, and the team server to deploy to. */
function deployment(context: CommandContext): Deployment {
  const linked = readLinkedConfig(process.cwd());
  if (!linked) {
    throw new KeystrokeError("invalid_input", `No ${CONFIG_FILE} in ${process.cwd()} or a folder above it`, {
      hint: "Run it in a Keystroke project (`keystroke init <dir>` creates one)",
    });
  }
  const organization = context.scope.organization ?? linked.link.organization;
  const project = context.scope.project ?? linked.link.project;
  if (!organization || !project) {
    throw new KeystrokeError("invalid_input", `${linked.path} names no organization and project to deploy to`, {
      hint: "Link it with `keystroke projects link --project <slug>`, or pass --organization and --project",
    });
  }
  context.use(resolveAccountTarget({ flag: context.flags.url, scope: { organization, project } }));
  return { dir: dirname(linked.path), organization, project, target: context.target as Target };
}

function kilobytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} KB`;
}

/** `Deployed acme/support 1a2b3c4d5e6f — agents: support; workflows: daily-summary`. */
export function describeDeploy(deploy: DeployRecord): string {
  const list = (values: string[]) => (values.length > 0 ? values.join(", ") : "none");
  return `Deployed ${deploy.organization}/${deploy.project} ${deploy.hash.slice(0, 12)} — agents: ${list(deploy.agents)}; workflows: ${list(deploy.workflows)}`;
}

/** Adds `keystroke deploy` and `keystroke deploys list`. */
export function configure(program: Command): void {
  program
    .command("deploy")
    .description("Typecheck and upload this project to its team server, which serves it once it loads")
    .option("--filter <module>", "deploy one module (agents/support) over the live deploy")
    .action(
      commandAction(async (command, context) => {
        const { filter } = parseOptions(deployFlags, command.opts());
        const { dir, organization, project, target } = deployment(context);
        // Progress goes to stderr under --json, so stdout stays one JSON document.
        const say = (line: string) => (context.flags.json ? process.stderr.write(`${line}\n`) : context.say(line));
        say("Typechecking…");
        const checked = typecheck(dir);
        if (!checked.checked) say(`Skipped typecheck: ${checked.reason}`);
        say("Bundling the packages it imports…");
        const upload = await collectUpload(dir, filter);
        const count = Object.keys(upload.files).length;
        if (upload.packages.length > 0) say(`Packages bundled: ${upload.packages.join(", ")}`);
        say(`Uploading ${count} ${count === 1 ? "file" : "files"} (${kilobytes(upload.bytes)}) to ${target.url}…`);
        say("Loading on the server…");
        const deploy = await postDeploy(
          target,
          { organization, project },
          { files: upload.files, hash: upload.hash, ...(filter ? { filter } : {}) },
        );
        return { data: deploy, plain: describeDeploy(deploy) };
      }),
    );
  program
    .command("deploys")
    .description("Deploys of this project on its team server")
    .command("list")
    .description("The project's deploys, newest first: time, status, author and content hash")
    .action(
      commandAction(async (_command, context) => {
        const { organization, project, target } = deployment(context);
        const deploys = await listDeploys(target, { organization, project });
        return {
          data: { deploys },
          human: () =>
            renderTable<DeployRecord>(
              [
                { label: "Time", cell: (d) => new Date(d.createdAt).toISOString() },
                { label: "Status", cell: (d) => d.status },
                { label: "Hash", cell: (d) => d.hash.slice(0, 12) },
                { label: "Author", cell: (d) => d.authorEmail },
                { label: "Filter", cell: (d) => d.filter ?? "" },
                { label: "Error", cell: (d) => d.error?.message ?? "" },
              ],
              deploys,
            ),
        };
      }),
    );
}
