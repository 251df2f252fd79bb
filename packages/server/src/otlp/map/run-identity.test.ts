import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { projectSchema } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { projectKey, slugify } from "./run-identity.js";

describe("projectKey", () => {
  it("makes a slug of a name, and keeps an organization's project as <organization>/<project>", () => {
    expect(projectKey("Support Bot")).toBe("support-bot");
    expect(projectKey("acme/support")).toBe("acme/support");
    expect(projectKey("Acme/Support Bot/v2")).toBe("acme/support-bot-v2");
  });

  it("gives a run's project for any header, at most 200 characters", () => {
    const long = `${"a".repeat(150)}/${"b".repeat(150)}`;
    for (const header of ["/x", "a/", "a//b", "/", "ü/ö", " ", long, `${"c".repeat(250)}/d`]) {
      const key = projectKey(header);
      expect(projectSchema.safeParse(key).success, `${header} gives ${key}`).toBe(true);
    }
    expect(projectKey(long)).toBe(`${"a".repeat(150)}/${"b".repeat(49)}`);
  });
});

describe("slugify", () => {
  it("makes a slug of any name, and 'agent' when nothing of it is left", () => {
    expect(slugify("Support Agent (v2)")).toBe("support-agent-v2");
    // Again, now from the cache of recent names.
    expect(slugify("Support Agent (v2)")).toBe("support-agent-v2");
    expect(slugify("¿?")).toBe("agent");
    expect(slugify(`Big ${"x".repeat(300)}`)).toBe(`big-${"x".repeat(196)}`);
  });

  // A name sliced from a long attribute is a view of it: a kept name (or a slug that is the name
  // itself) would keep the whole attribute alive, a megabyte per name, in the mapping thread.
  // Measuring the heap needs a collection on demand, which a process started with --expose-gc gives.
  it("keeps no more than the names it caches alive, however long the strings they were sliced from", () => {
    const module = pathToFileURL(join(import.meta.dirname, "run-identity.ts")).href;
    const script = `
      const { slugify } = await import(${JSON.stringify(module)});
      const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
      const before = heap();
      const slugs = [];
      for (let i = 0; i < 300; i++) {
        // A slice of 13 characters or more is a view of its string in V8; a shorter one is a copy.
        const attribute = "support-agent-" + i + "/" + "x".repeat(1_000_000);
        slugs.push(slugify(attribute.slice(0, attribute.indexOf("/"))));
      }
      process.stdout.write(JSON.stringify({ grew: heap() - before, slugs: slugs.slice(0, 2) }));
    `;
    const child = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(child.stderr).toBe("");
    const { grew, slugs } = JSON.parse(child.stdout) as { grew: number; slugs: string[] };
    expect(slugs).toEqual(["support-agent-0", "support-agent-1"]);
    // 300 names sliced from megabyte strings held about 300 MB when the cache kept the slices.
    expect(grew).toBeLessThan(20 * 1024 * 1024);
  });
});
