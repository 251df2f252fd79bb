/**
 * Full-text search in PostgreSQL with the same words as the SQLite store's FTS5 index: a word is
 * a run of letters and digits, compared without case or accents (`où` finds `ou`). The tsvector
 * of a message and the tsquery of a search are both built here, from the same tokenizer, and
 * handed to PostgreSQL as literals in parameters — its own parsers (which keep `a@b.c` or
 * `gpt-5-mini` whole) never see the text, so index and query cannot disagree. The query follows
 * the project's search syntax: every word must match (in one message), `"quoted words"` match as
 * a phrase, a trailing `*` matches a prefix, and nothing typed is ever taken as tsquery syntax.
 */

/** Longest lexeme kept, in characters; longer words are cut here on both sides. */
const MAX_LEXEME = 400;
/** PostgreSQL keeps positions up to 16383 and at most 256 of them per lexeme. */
const MAX_POSITION = 16_383;
const MAX_POSITIONS = 256;
/** Stay well below PostgreSQL's 1 MB limit on one tsvector. */
const MAX_VECTOR_BYTES = 512 * 1024;

const WORD = /[\p{L}\p{N}]+/gu;
const QUERY_TOKEN = /[\p{L}\p{N}_]+/gu;
const MARKS = /\p{M}+/gu;

/** Words of `text`, lowercased and without diacritics, in order. */
export function lexemes(text: string): string[] {
  const folded = text.normalize("NFD").replace(MARKS, "").toLowerCase();
  const words = folded.match(WORD) ?? [];
  return words.map((word) => (word.length > MAX_LEXEME ? word.slice(0, MAX_LEXEME) : word));
}

/** The tsvector literal of a message's text, or null when it has no words. */
export function toTsVector(text: string): string | null {
  const positions = new Map<string, number[]>();
  let bytes = 0;
  let position = 0;
  for (const lexeme of lexemes(text)) {
    position = Math.min(position + 1, MAX_POSITION);
    const known = positions.get(lexeme);
    if (known !== undefined) {
      if (known.length < MAX_POSITIONS && known.at(-1) !== position) known.push(position);
      continue;
    }
    bytes += Buffer.byteLength(lexeme) + 8;
    if (bytes > MAX_VECTOR_BYTES) break;
    positions.set(lexeme, [position]);
  }
  if (positions.size === 0) return null;
  // Lexemes are letters and digits only, so quoting them needs no escapes.
  return [...positions].map(([lexeme, at]) => `'${lexeme}':${at.join(",")}`).join(" ");
}

/** The tsquery literal of what a user typed, or undefined when it holds no word. */
export function toTsQuery(search: string): string | undefined {
  const terms: string[] = [];
  for (const match of search.matchAll(/"([^"]*)"|(\S+)/g)) {
    const phrase = match[1];
    if (phrase !== undefined) {
      const words = lexemes(phrase);
      if (words.length > 0) terms.push(followedBy(words));
      continue;
    }
    const word = match[2] ?? "";
    const prefix = word.endsWith("*");
    const tokens = word.match(QUERY_TOKEN) ?? [];
    tokens.forEach((token, i) => {
      const words = lexemes(token);
      if (words.length === 0) return;
      terms.push(followedBy(words, prefix && i === tokens.length - 1));
    });
  }
  return terms.length > 0 ? terms.join(" & ") : undefined;
}

/** Words that must follow one another: `('refund' <-> 'policy')`, the last one maybe a prefix. */
function followedBy(words: string[], prefix = false): string {
  const quoted = words.map((word, i) => (prefix && i === words.length - 1 ? `'${word}':*` : `'${word}'`));
  return quoted.length === 1 ? (quoted[0] as string) : `(${quoted.join(" <-> ")})`;
}
