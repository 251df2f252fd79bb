import { KeystrokeError } from "@keystroke/core";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addScopeFlags, readScope } from "./scope-flags.js";

function program(): { root: Command; seen: Map<string, Command> } {
  const seen = new Map<string, Command>();
  const root = new Command("keystroke")
    .option("--url <url>")
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  const record = (name: string) => (_options: unknown, command: Command) => {
    seen.set(name, command);
  };
  const history = root.command("history");
  history.command("list").option("--project <slug...>", "a filter").action(record("history list"));
  root.command("projects").command("list").action(record("projects list"));
  root.command("init").argument("<dir>").option("--project <slug>").action(record("init"));
  addScopeFlags(root, ["init"]);
  return { root, seen };
}

describe("the scope flags", () => {
  it("are given to every command", async () => {
    const { root, seen } = program();
    await root.parseAsync(["projects", "list", "--organization", "acme", "--project", "support"], { from: "user" });
    expect(readScope(seen.get("projects list") as Command)).toEqual({ organization: "acme", project: "support" });
  });

  it("leave a command's own --project to it, and skip the commands named", async () => {
    const { root, seen } = program();
    await root.parseAsync(["history", "list", "--project", "a", "--organization", "acme"], { from: "user" });
    const list = seen.get("history list") as Command;
    expect(list.opts().project).toEqual(["a"]);
    expect(readScope(list)).toEqual({ organization: "acme" });
    await expect(root.parseAsync(["init", "app", "--organization", "acme"], { from: "user" })).rejects.toThrow(
      "unknown option '--organization'",
    );
  });

  it("must be slugs", async () => {
    const { root, seen } = program();
    await root.parseAsync(["projects", "list", "--organization", "Acme Inc"], { from: "user" });
    expect(() => readScope(seen.get("projects list") as Command)).toThrow(KeystrokeError);
    expect(() => readScope(seen.get("projects list") as Command)).toThrow('Invalid --organization "Acme Inc"');
  });
});
