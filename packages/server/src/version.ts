import { createRequire } from "node:module";

/** The version of @keystroke/server, read from its package.json (next to both src/ and dist/). */
export const serverVersion: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
