/** One run of a word-level diff: text both versions share, or text only one of them has. */
export interface Part {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Words of Latin text, single CJK characters, runs of spaces, single other characters. */
function tokens(text: string): string[] {
  return text.match(/\p{Script=Han}|(?:(?!\p{Script=Han})[\p{L}\p{N}_])+|\s+|\S/gu) ?? [];
}

/** Above this many token pairs the diff is skipped (the versions are shown whole). */
const MAX_CELLS = 400_000;

/**
 * What changed from `before` to `after`, word by word (character by character for Chinese):
 * a longest-common-subsequence diff, cheap enough for posts; `null` when the texts are too long
 * to compare here.
 */
export function diffWords(before: string, after: string): Part[] | null {
  const a = tokens(before);
  const b = tokens(after);
  // The common head and tail need no table.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  if (n * m > MAX_CELLS) return null;
  // lcs[i][j]: the longest common subsequence of am[i..] and bm[j..].
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] =
        am[i] === bm[j]
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
  const parts: Part[] = [];
  const push = (kind: Part['kind'], text: string) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  push('same', a.slice(0, head).join(''));
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (am[i] === bm[j]) {
      push('same', am[i]!);
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) push('removed', am[i++]!);
    else push('added', bm[j++]!);
  }
  while (i < n) push('removed', am[i++]!);
  while (j < m) push('added', bm[j++]!);
  push('same', a.slice(a.length - tail).join(''));
  return tidy(parts);
}

/**
 * A lone punctuation mark or space left in common between two changes ("-" in the middle of a
 * rewritten line) reads as noise: fold it into the change on both sides.
 */
function tidy(parts: Part[]): Part[] {
  const out: Part[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    if (removed) out.push({ kind: 'removed', text: removed });
    if (added) out.push({ kind: 'added', text: added });
    removed = added = '';
  };
  parts.forEach((p, k) => {
    if (p.kind === 'removed') removed += p.text;
    else if (p.kind === 'added') added += p.text;
    else if (
      (removed || added) &&
      parts[k + 1] &&
      /^[^\S\n]*[^\p{L}\p{N}\s]?[^\S\n]*$/u.test(p.text)
    ) {
      removed += p.text;
      added += p.text;
    } else {
      flush();
      out.push({ ...p });
    }
  });
  flush();
  return out;
}
