/**
 * Search tokenisation, done here rather than in the database so that SQLite (FTS5) and
 * PostgreSQL (tsvector) index exactly the same tokens (see docs/search.md).
 *
 * - Text is NFKC-normalised (full-width letters and digits become ASCII, half-width katakana
 *   become full-width) and lower-cased.
 * - CJK runs (Han, Hiragana, Katakana, Hangul) become overlapping bigrams, as Lucene's
 *   CJKAnalyzer does; a run of one character is kept as a unigram. For the index the last
 *   character of every run is also kept as a unigram, so that a one-character query (a prefix
 *   query) finds a character wherever it sits in a run.
 * - Other letters, digits and combining marks form words; everything else (spaces,
 *   punctuation, symbols, emoji) separates tokens. Variation selectors and enclosing marks
 *   (emoji presentation, keycaps) and marks that follow no letter are dropped.
 *
 * Every token consists only of letters, digits and marks, so it is a single token for both
 * FTS5's unicode61 tokenizer and PostgreSQL's default parser, and it can never carry query
 * syntax.
 */

/** Longer words are cut to this many characters (PostgreSQL refuses lexemes over 2 KB). */
export const MAX_WORD_CHARS = 64;
/** Only this much of a title or body is indexed (a tsvector is limited to 1 MB). */
export const MAX_INDEXED_CHARS = 20_000;
/** A query is cut to this many characters, and to this many tokens, before searching. */
export const MAX_QUERY_CHARS = 256;
export const MAX_QUERY_TOKENS = 32;

/** A query token; `prefix` matches every indexed token that starts with `text`. */
export interface QueryToken {
  text: string;
  prefix: boolean;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3006\u30fc]/u;
const WORD = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;
/** Variation selectors (emoji presentation) and enclosing marks (keycaps) are dropped. */
const IGNORED = /[\p{Me}\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;

interface Run {
  cjk: boolean;
  /** Characters of the run; a CJK character carries the combining marks that follow it. */
  chars: string[];
}

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Splits normalised text into runs of CJK characters and runs of word characters. */
function runs(text: string): Run[] {
  const out: Run[] = [];
  let cur: Run | null = null;
  for (const ch of text) {
    if (IGNORED.test(ch)) continue;
    if (MARK.test(ch)) {
      // A combining mark belongs to the character before it; a stray one is dropped.
      if (cur?.cjk) cur.chars[cur.chars.length - 1] += ch;
      else if (cur) cur.chars.push(ch);
      continue;
    }
    const cjk = CJK.test(ch);
    if (!cjk && !WORD.test(ch)) {
      cur = null;
      continue;
    }
    if (!cur || cur.cjk !== cjk) {
      cur = { cjk, chars: [] };
      out.push(cur);
    }
    cur.chars.push(ch);
  }
  return out;
}

const word = (chars: string[]) => chars.slice(0, MAX_WORD_CHARS).join('');

function bigrams(chars: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/**
 * The tokens to index for a text, in order, repeats kept (they count for ranking).
 * "周末去爬山 photo" → 周末 末去 去爬 爬山 山 photo.
 */
export function tokenizeForIndex(text: string): string[] {
  const out: string[] = [];
  for (const run of runs(normalize(text.slice(0, MAX_INDEXED_CHARS)))) {
    if (!run.cjk) {
      out.push(word(run.chars));
    } else {
      out.push(...bigrams(run.chars));
      out.push(run.chars[run.chars.length - 1]!);
    }
  }
  return out;
}

/**
 * The tokens of a query, all of which a document must contain. CJK runs of two or more
 * characters become bigrams; a lone CJK character and the query's last word are prefix
 * tokens ("photo" finds "photography", "山" finds "山顶"). Repeats are dropped.
 */
export function tokenizeQuery(q: string): QueryToken[] {
  const list: QueryToken[] = [];
  const found = runs(normalize(q.slice(0, MAX_QUERY_CHARS)));
  found.forEach((run, i) => {
    if (!run.cjk) {
      list.push({ text: word(run.chars), prefix: i === found.length - 1 });
    } else if (run.chars.length === 1) {
      list.push({ text: run.chars[0]!, prefix: true });
    } else {
      for (const text of bigrams(run.chars)) list.push({ text, prefix: false });
    }
  });
  // a AND a* is a: an exact occurrence wins over a prefix one.
  const byText = new Map<string, QueryToken>();
  for (const t of list) {
    const seen = byText.get(t.text);
    if (!seen) byText.set(t.text, { ...t });
    else seen.prefix &&= t.prefix;
  }
  return [...byText.values()].slice(0, MAX_QUERY_TOKENS);
}

/**
 * Plain text of at most `max` characters from `body` (or `title` when the body has no match)
 * around the first occurrence of a query token; the start of the body when neither matches.
 */
export function makeSnippet(title: string, body: string, tokens: QueryToken[], max = 120): string {
  for (const raw of [body, title]) {
    const text = raw.replace(/\s+/gu, ' ').trim();
    const at = firstMatch(text, tokens);
    if (at !== null) return excerpt(text, at, max);
  }
  return excerpt((body || title).replace(/\s+/gu, ' ').trim(), 0, max);
}

/** Index (in UTF-16 code units) in `text` of the earliest query token, or null. */
function firstMatch(text: string, tokens: QueryToken[]): number | null {
  const norm = normalize(text);
  let best = -1;
  for (const t of tokens) {
    const pos = norm.indexOf(t.text);
    if (pos >= 0 && (best < 0 || pos < best)) best = pos;
  }
  if (best < 0) return null;
  if (norm.length === text.length) return best;
  // Normalising changed the length: walk the text to the character the match starts in.
  let n = 0;
  let i = 0;
  for (const ch of text) {
    n += normalize(ch).length;
    if (n > best) return i;
    i += ch.length;
  }
  return null;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** At most `max` characters of `text` around code unit `at`, with … where it was cut. */
function excerpt(text: string, at: number, max: number): string {
  // Only a piece around the match is split into characters (a character is 1 or 2 units).
  let from = Math.max(0, at - 2 * max);
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from--;
  let to = Math.min(text.length, at + 4 * max);
  if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to++;
  const chars = Array.from(text.slice(from, to));
  const atChar = Array.from(text.slice(from, at)).length;
  if (from === 0 && to === text.length && chars.length <= max) return text;
  const room = max - 2; // for the two ellipses
  let start = Math.max(0, atChar - Math.floor(room / 4));
  start = Math.max(0, Math.min(start, chars.length - room));
  const end = Math.min(chars.length, start + room);
  const cutBefore = from > 0 || start > 0;
  const cutAfter = to < text.length || end < chars.length;
  return (cutBefore ? '…' : '') + chars.slice(start, end).join('') + (cutAfter ? '…' : '');
}
