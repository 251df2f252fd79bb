/**
 * `keystroke`: the package Keystroke projects import. Each piece also has its own subpath
 * (`keystroke/client`) so a project imports only what it uses.
 */
export * from "./client/index.js";
