/**
 * A slug from a name, as the project form suggests it until the reader types their own:
 * lowercase ASCII letters and digits joined by single dashes.
 *
 * @example
 * slugFromName("Support Bot (EU)"); // "support-bot-eu"
 */
export function slugFromName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}

/** What the slug inputs accept (an HTML pattern), as core's slugs: `[a-z0-9][a-z0-9._-]*`. */
export const slugPattern = "[a-z0-9][a-z0-9._\\-]*";
