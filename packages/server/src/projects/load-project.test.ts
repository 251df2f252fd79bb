import { KeystrokeError } from "@keystroke/core";
import { afterEach, describe, expect, it } from "vitest";
import { writeProject } from "../testing/workflow-project.js";
import { loadProject } from "./load-project.js";

const config = `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "desk" });
`;
const agent = (slug: string) => `import { defineAgent } from "keystroke/agent";
export const a_${slug.replace(/-/g, "_")} = defineAgent({
  slug: "${slug}", name: "A", description: "An agent", systemPrompt: "Hi", model: "demo/x",
});
`;

let remove: (() => void) | undefined;
afterEach(() => remove?.());

async function refusal(files: Record<string, string>): Promise<KeystrokeError> {
  const project = writeProject(files, "keystroke-load-");
  remove = project.remove;
  const error = await loadProject(project.dir).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KeystrokeError);
  return error as KeystrokeError;
}

describe("loadProject refuses a project it cannot serve, naming the file", () => {
  it("without keystroke.config.ts, and says how to make one", async () => {
    const error = await refusal({ "src/agents/a.ts": agent("a") });
    expect(error.code).toBe("not_found");
    expect(error.message).toMatch(/No keystroke\.config\.ts in/);
    expect(error.hint).toMatch(/keystroke init/);
  });

  it("whose config does not export defineConfig's result", async () => {
    const error = await refusal({ "keystroke.config.ts": "export default { name: 'desk' };\n" });
    expect(error.message).toMatch(/keystroke\.config\.ts must export default defineConfig/);
  });

  it("whose config defineConfig refuses, with defineConfig's reason", async () => {
    const error = await refusal({
      "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "Help Desk" });
`,
    });
    expect(error.message).toMatch(/keystroke\.config\.ts: .*project "Help Desk" is not a slug/);
  });

  it("with a file that fails to load, naming it", async () => {
    const error = await refusal({ "keystroke.config.ts": config, "src/agents/broken.ts": "export const x = ;\n" });
    expect(error.message).toMatch(/src\/agents\/broken\.ts failed to load/);
  });

  it("with a definition its define function refuses, naming the file and the field", async () => {
    const error = await refusal({
      "keystroke.config.ts": config,
      "src/agents/bad.ts": agent("a").replace('model: "demo/x"', 'model: "gpt-5"'),
    });
    expect(error.message).toMatch(/src\/agents\/bad\.ts: Agent "a" model "gpt-5" is not vendor\/model-id/);
  });

  it("with two agents of one slug", async () => {
    const error = await refusal({
      "keystroke.config.ts": config,
      "src/agents/one.ts": agent("twin"),
      "src/agents/two.ts": agent("twin").replace("a_twin", "b_twin"),
    });
    expect(error.code).toBe("conflict");
    expect(error.message).toMatch(/Two agents have the slug "twin"/);
  });
});

describe("loadProject", () => {
  it("loads the agents, actions and workflows a project exports", async () => {
    const project = writeProject(
      {
        "keystroke.config.ts": config,
        "src/agents/a.ts": agent("helper"),
        "src/workflows/w.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
export const w = defineWorkflow({
  slug: "nightly", name: "Nightly", description: "Runs at night",
  input: z.object({}), output: z.object({}), run: async () => ({}),
});
`,
      },
      "keystroke-load-",
    );
    remove = project.remove;
    const loaded = await loadProject(project.dir);
    expect(loaded.config.project).toBe("desk");
    expect([...loaded.agents.keys()]).toEqual(["helper"]);
    expect([...loaded.workflows.keys()]).toEqual(["nightly"]);
  });
});
