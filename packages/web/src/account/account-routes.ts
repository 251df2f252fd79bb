/**
 * Where the sign-in page sends the reader back to. `next` comes from the URL, which anyone can
 * craft: only a path of this site is followed, never another origin (`//evil.example`,
 * `/\evil.example`, `https://…`), so a sign-in link cannot become a redirect elsewhere.
 */

export const signInPath = "/sign-in";

/** The pages anyone reaches without a session: they carry their own credential, or ask for one. */
const publicPaths = new Set([signInPath, "/setup", "/invite"]);

/** Whether the page at `path` needs a signed-in caller on a team server. */
export const needsSession = (path: string) => !publicPaths.has(path);

const base = "http://keystroke.invalid";

/**
 * `next` when it is a path of this site (not the sign-in page itself), else `/`.
 *
 * @example
 * safeNext("/runs/run_1?tab=trace"); // "/runs/run_1?tab=trace"
 * safeNext("//evil.example/"); // "/"
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u001f\u007f]/.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return "/";
  }
  if (url.origin !== base || url.pathname === signInPath) return "/";
  return url.pathname + url.search + url.hash;
}

/**
 * The sign-in page's href that comes back to `next` (a path with its query) afterwards.
 *
 * @example
 * signInHref("/settings?tab=members"); // "/sign-in?next=%2Fsettings%3Ftab%3Dmembers"
 */
export function signInHref(next: string): string {
  const back = safeNext(next);
  return back === "/" ? signInPath : `${signInPath}?${new URLSearchParams({ next: back })}`;
}
