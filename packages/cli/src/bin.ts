#!/usr/bin/env node
/**
 * The `keystroke` executable. Node's fetch parses HTTP with a WebAssembly build of llhttp, and V8
 * optimises that module on background threads that the process then waits for at exit (about
 * 200 ms). A command that makes a few requests never needs the optimised code, so only baseline
 * (Liftoff) compilation is enabled, before anything is loaded.
 */
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--liftoff-only");
const { runProgram } = await import("./program.js");
await runProgram(process.argv);
// Exit once the output is flushed rather than waiting for fetch's idle keep-alive sockets to time out.
process.stdout.write("", () => process.stderr.write("", () => process.exit()));
