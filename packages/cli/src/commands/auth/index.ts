/** `keystroke auth`: sign in to a team server, see who is signed in, sign out. */
import type { Command } from "commander";
import * as login from "./login.js";
import * as logout from "./logout.js";
import * as status from "./status.js";

/** Adds `keystroke auth` (login, status, logout). */
export function configure(program: Command): void {
  const auth = program.command("auth").description("Sign in to a team server, and out");
  login.configure(auth);
  status.configure(auth);
  logout.configure(auth);
}
