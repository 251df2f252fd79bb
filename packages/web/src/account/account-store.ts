/**
 * Who is signed in, for the whole page. `GET /api/auth/me` on load says which of three servers
 * this is: one without sign-in (`keystroke dev`, `serve --no-auth`: the route is absent, 404),
 * one where the caller is signed out (401), or one where they are signed in. Any later 401 of
 * any API call means the session ended, and the page shows the sign-in page.
 */
import { useSyncExternalStore } from "react";
import { ApiError, onUnauthorized } from "../api/api";
import { fetchMe, type Me, readMe } from "./account-api";

export type AccountState =
  | { status: "loading" }
  /** The server has no sign-in: no account UI at all. */
  | { status: "off" }
  | { status: "signed-out" }
  | { status: "signed-in"; me: Me }
  | { status: "failed"; error: unknown };

let state: AccountState = { status: "loading" };
let latest = 0;
const listeners = new Set<() => void>();

function set(next: AccountState): void {
  state = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The account state; re-renders when it changes. */
export function useAccount(): AccountState {
  return useSyncExternalStore(subscribe, () => state);
}

/**
 * Reads `GET /api/auth/me` again (on load, after signing in, after switching organization) and
 * resolves with the new state; an older read answering last is dropped.
 */
export async function loadAccount(): Promise<AccountState> {
  const attempt = ++latest;
  let next: AccountState;
  try {
    const me = readMe(await fetchMe());
    next = me === undefined ? { status: "off" } : { status: "signed-in", me };
  } catch (error) {
    const status = error instanceof ApiError ? error.status : undefined;
    next = status === 404 ? { status: "off" } : status === 401 ? { status: "signed-out" } : { status: "failed", error };
  }
  if (attempt === latest) set(next);
  return state;
}

/** Forgets the session (after signing out). */
export function forgetAccount(): void {
  latest += 1;
  set({ status: "signed-out" });
}

/**
 * Turns every 401 of the API into the signed-out state, except on a server without sign-in;
 * returns the function that stops.
 */
export function watchUnauthorized(): () => void {
  return onUnauthorized(() => {
    if (state.status !== "off" && state.status !== "signed-out") forgetAccount();
  });
}
