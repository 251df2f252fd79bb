import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { afterAll, describe, expect, it } from "vitest";
import { readLinkedConfig, readProjectLink, rewriteProjectLink, writeProjectLink } from "./project-link.js";

const link = { organization: "acme", project: "support" };
const rewrite = (source: string) => rewriteProjectLink(source, link, "keystroke.config.ts");

const starter = `import { defineConfig } from "keystroke/config";

export default defineConfig({
  organization: "my-org",
  project: "my-app",
  // OpenAI-compatible endpoints, usable as "local/<model>" in an agent's model:
  // providers: { local: { baseURL: "http://127.0.0.1:11434/v1" } },
});
`;

describe("readProjectLink", () => {
  it("reads string literals of the defineConfig object, whatever the quotes", () => {
    expect(readProjectLink(starter)).toEqual({ organization: "my-org", project: "my-app" });
    expect(readProjectLink("export default defineConfig({ 'project': `solo` })")).toEqual({
      organization: undefined,
      project: "solo",
    });
  });

  it("ignores nested objects, comments, strings and values that are not literals", () => {
    const source = `// defineConfig({ organization: "commented" })
const note = "defineConfig({ organization: 'quoted' })";
export default defineConfig({
  providers: { local: { baseURL: "http://x/v1", organization: "nested", project: "nested" } },
  organization: process.env.ORG ?? "env",
  project: \`from-\${name}\`,
});`;
    expect(readProjectLink(source)).toEqual({ organization: undefined, project: undefined });
  });
});

describe("rewriteProjectLink", () => {
  it("replaces both values and keeps every other character", () => {
    expect(rewrite(starter)).toBe(starter.replace('"my-org"', '"acme"').replace('"my-app"', '"support"'));
  });

  it("inserts what is missing at the top, with the indentation of the object", () => {
    const source = `export default defineConfig({
    project: "old", // the slug
    providers: { local: { baseURL: "http://127.0.0.1:11434/v1" } },
});
`;
    expect(rewrite(source)).toBe(`export default defineConfig({
    organization: "acme",
    project: "support", // the slug
    providers: { local: { baseURL: "http://127.0.0.1:11434/v1" } },
});
`);
  });

  it("inserts into one-line and empty objects", () => {
    expect(rewrite('export default defineConfig({ project: "old" });')).toBe(
      'export default defineConfig({ organization: "acme", project: "support" });',
    );
    expect(rewrite("export default defineConfig({});")).toBe(
      'export default defineConfig({ organization: "acme", project: "support" });',
    );
    expect(rewrite("export default defineConfig({\n});\n")).toBe(
      'export default defineConfig({\n  organization: "acme",\n  project: "support",\n});\n',
    );
  });

  it("replaces a shorthand property and a value that is an expression", () => {
    expect(rewrite("const project = 'x';\nexport default defineConfig({ project, organization: org() });")).toBe(
      'const project = \'x\';\nexport default defineConfig({ project: "support", organization: "acme" });',
    );
  });

  it("refuses a config without a defineConfig object literal", () => {
    for (const source of ["export default { project: 'x' };", "const c = {};\nexport default defineConfig(c);"]) {
      expect(() => rewrite(source)).toThrow(KeystrokeError);
      expect(() => rewrite(source)).toThrow("Cannot find `defineConfig({ … })` in keystroke.config.ts");
    }
  });
});

describe("the config file of a project folder", () => {
  const root = mkdtempSync(join(tmpdir(), "keystroke-link-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is found from a nested folder, read, and rewritten in place", () => {
    const path = join(root, "keystroke.config.ts");
    writeFileSync(path, starter);
    const nested = join(root, "src", "agents");
    mkdirSync(nested, { recursive: true });
    expect(readLinkedConfig(nested)).toEqual({ path, link: { organization: "my-org", project: "my-app" } });
    writeProjectLink(path, link);
    expect(readFileSync(path, "utf8")).toContain('organization: "acme",\n  project: "support",\n  // OpenAI');
    expect(readLinkedConfig(nested)?.link).toEqual(link);
  });
});
