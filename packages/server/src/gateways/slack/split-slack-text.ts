/**
 * Slack truncates a message's text past 4,000 characters (and caps it at 40,000), so a long
 * answer is posted as several messages in the thread. Each piece ends at a paragraph break when
 * one falls in its second half, else at a line break, else at a space, and only as a last resort
 * in the middle of a word (never inside a surrogate pair).
 */

/** Characters per posted message: below Slack's 4,000, leaving room for its own escaping. */
export const SLACK_MESSAGE_LIMIT = 3_500;

function cutAt(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  for (const separator of ["\n\n", "\n", " "]) {
    const at = window.lastIndexOf(separator);
    if (at >= limit / 2) return at;
  }
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/**
 * Splits `text` into messages of at most `limit` characters.
 *
 * @example
 * splitSlackText("a\n\nb", 2); // ["a", "b"]
 */
export function splitSlackText(text: string, limit = SLACK_MESSAGE_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const at = cutAt(rest, limit);
    const piece = rest.slice(0, at).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(at).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}
