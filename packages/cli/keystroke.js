#!/usr/bin/env node
// The `keystroke` command. It loads the bundle `npm run build` writes to bin/ (one file loads far
// faster than the compiled modules); this file exists before any build so npm can link the command.
try {
  await import("./bin/keystroke.js");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("bin/keystroke.js")) throw error;
  process.stderr.write(
    "Error: the keystroke CLI is not built yet\nHint: run `npm run build` in the Keystroke repository\n",
  );
  process.exitCode = 1;
}
