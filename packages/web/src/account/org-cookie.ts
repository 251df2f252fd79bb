/**
 * The organization the web page acts in: the server reads the `keystroke_org` cookie on each
 * request (docs/auth.md), so switching organization is writing it and reading the data again.
 */

export const orgCookieName = "keystroke_org";

/**
 * Makes `slug` the active organization of every later request from this page.
 *
 * @example
 * writeOrgCookie("acme"); // document.cookie = "keystroke_org=acme; path=/; SameSite=Lax"
 */
export function writeOrgCookie(slug: string, target: { cookie: string } = document): void {
  target.cookie = `${orgCookieName}=${encodeURIComponent(slug)}; path=/; SameSite=Lax`;
}
