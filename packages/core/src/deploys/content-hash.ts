/**
 * The content hash of a deploy, computed alike by the CLI that uploads it and by the server that
 * checks what arrived (and names the deploy's folder by it). Needs node:crypto, so it lives at
 * `@keystroke/core/content-hash`, outside the browser-safe index.
 */
import { createHash } from "node:crypto";

/**
 * SHA-256 (hex) over the files sorted by path, each as `path NUL text NUL`.
 *
 * @example contentHash({ "keystroke.config.ts": "…" }); // "9f86d0…"
 */
export function contentHash(files: Record<string, string>): string {
  const hash = createHash("sha256");
  for (const path of Object.keys(files).sort())
    hash
      .update(path)
      .update("\0")
      .update(files[path] as string)
      .update("\0");
  return hash.digest("hex");
}
