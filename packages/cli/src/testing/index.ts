/**
 * `@keystroke/cli/testing`: running the built `keystroke` command and `keystroke serve` / `dev`
 * as processes, the trigger test project and the seeding `dev --seed` does, for the cross-package
 * tests under `tests/`.
 * Resolved only with the `@keystroke/source` condition; not part of the published package.
 */

export { readSeedFile, recordSeedPrompts } from "../lifecycle/seed-prompts.js";
export * from "./run-cli.js";
export * from "./serve-process.js";
export * from "./trigger-project.js";
