/** `@keystroke/cli`: the `keystroke` program, for embedding or testing it in-process. */
export { createProgram, runProgram } from "./program.js";
