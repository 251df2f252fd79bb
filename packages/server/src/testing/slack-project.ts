/**
 * A Keystroke project in a temporary folder with a Slack gateway: one agent on the offline demo
 * model (which echoes the question, and fails like a provider when asked to "simulate an
 * outage"). Its node_modules link to this repository's sdk, as an installed project's would.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeProjectFiles } from "./project-files.js";

export const SLACK_TEST_SECRET = "test-signing-secret";
export const SLACK_TEST_TOKEN = "xoxb-test-token";

/**
 * Writes the project; `slack` is the TypeScript source of the `gateways.slack` value.
 *
 * @example
 * const dir = writeSlackProject(`{ agent: "helpdesk", apiUrl: "${fake.apiUrl}" }`);
 */
export function writeSlackProject(slack: string): string {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-slack-"));
  writeProjectFiles(dir, slackProjectFiles(slack));
  return dir;
}

/** The files of that project (acme/`project`), as written or deployed. */
export function slackProjectFiles(slack: string, project = "chat"): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name: "slack-test", private: true, type: "module" }),
    "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "${project}", gateways: { slack: ${slack} } });
`,
    "src/agents/helpdesk.ts": `import { defineAgent } from "keystroke/agent";
export const helpdesk = defineAgent({
  slug: "helpdesk", name: "Helpdesk", description: "Answers in Slack",
  systemPrompt: "You answer colleagues in Slack.", model: "demo/helpdesk",
});
`,
  };
}

/** The gateway block most tests use: the test secrets, answering through `apiUrl`. */
export function slackGatewaySource(apiUrl: string, extra = "", signingSecret = SLACK_TEST_SECRET): string {
  return `{ agent: "helpdesk", signingSecret: "${signingSecret}", botToken: "${SLACK_TEST_TOKEN}", apiUrl: "${apiUrl}"${extra ? `, ${extra}` : ""} }`;
}
