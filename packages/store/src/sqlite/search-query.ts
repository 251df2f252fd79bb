/**
 * Turns what a user types into the search box into a safe FTS5 query: every word must match
 * (AND), `"quoted words"` match as a phrase, and a trailing `*` matches a prefix. FTS5 syntax
 * characters in the input are never interpreted, so no input can make the query fail.
 */
export function toFtsQuery(search: string): string | undefined {
  const terms: string[] = [];
  for (const match of search.matchAll(/"([^"]*)"|(\S+)/g)) {
    const phrase = match[1];
    if (phrase !== undefined) {
      const words = tokens(phrase);
      if (words.length > 0) terms.push(`"${words.join(" ")}"`);
      continue;
    }
    const word = match[2] ?? "";
    const prefix = word.endsWith("*");
    for (const [i, token] of tokens(word).entries()) {
      const last = i === tokens(word).length - 1;
      terms.push(prefix && last ? `"${token}"*` : `"${token}"`);
    }
  }
  return terms.length > 0 ? terms.join(" ") : undefined;
}

function tokens(text: string): string[] {
  return text.match(/[\p{L}\p{N}_]+/gu) ?? [];
}
