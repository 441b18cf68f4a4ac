/**
 * The editor toolbar's edits, as pure functions of the text and its selection: each returns the
 * range to replace, what to put there, and what to select afterwards (so typing replaces a
 * placeholder, or the selection stays on what was formatted).
 */
export interface Selection {
  value: string;
  start: number;
  end: number;
}

export interface Edit {
  /** The range of `value` that `text` replaces. */
  from: number;
  to: number;
  text: string;
  /** The selection afterwards, in the new value. */
  selectStart: number;
  selectEnd: number;
}

export type Format = 'bold' | 'italic' | 'quote' | 'link' | 'list';

/** Wraps the selection in `mark` (or unwraps it when it is wrapped already). */
function wrap(s: Selection, mark: string, sample: string): Edit {
  const selected = s.value.slice(s.start, s.end);
  const before = s.value.slice(Math.max(0, s.start - mark.length), s.start);
  const after = s.value.slice(s.end, s.end + mark.length);
  if (selected && before === mark && after === mark) {
    return {
      from: s.start - mark.length,
      to: s.end + mark.length,
      text: selected,
      selectStart: s.start - mark.length,
      selectEnd: s.end - mark.length,
    };
  }
  // Spaces at the edges stay outside the marks, or Markdown would not see them as emphasis.
  const inner = selected.trim() || sample;
  const lead = selected ? selected.length - selected.trimStart().length : 0;
  const trail = selected ? selected.length - selected.trimEnd().length : 0;
  const text = `${selected.slice(0, lead)}${mark}${inner}${mark}${selected.slice(selected.length - trail)}`;
  const selectStart = s.start + lead + mark.length;
  return { from: s.start, to: s.end, text, selectStart, selectEnd: selectStart + inner.length };
}

/** Puts `prefix` before every line the selection touches (or takes it off when all have it). */
function prefixLines(s: Selection, prefix: string, sample: string): Edit {
  const from = s.value.lastIndexOf('\n', s.start - 1) + 1;
  const nl = s.value.indexOf(
    '\n',
    s.end > s.start && s.value[s.end - 1] === '\n' ? s.end - 1 : s.end,
  );
  const to = nl === -1 ? s.value.length : nl;
  const block = s.value.slice(from, to);
  const lines = block.split('\n');
  if (block && lines.every((l) => l.startsWith(prefix))) {
    const text = lines.map((l) => l.slice(prefix.length)).join('\n');
    return { from, to, text, selectStart: from, selectEnd: from + text.length };
  }
  if (!block.trim()) {
    const text = `${prefix}${sample}`;
    return { from, to, text, selectStart: from + prefix.length, selectEnd: from + text.length };
  }
  const text = lines.map((l) => (l.trim() ? `${prefix}${l}` : l)).join('\n');
  return { from, to, text, selectStart: from, selectEnd: from + text.length };
}

function link(s: Selection, sample: string): Edit {
  const selected = s.value.slice(s.start, s.end).trim();
  if (/^https?:\/\/\S+$/i.test(selected)) {
    const text = `[${sample}](${selected})`;
    return {
      from: s.start,
      to: s.end,
      text,
      selectStart: s.start + 1,
      selectEnd: s.start + 1 + sample.length,
    };
  }
  const label = selected || sample;
  const text = `[${label}](https://)`;
  // With text chosen, the address is what is left to type; without, the text.
  const urlAt = s.start + label.length + 3;
  return selected
    ? { from: s.start, to: s.end, text, selectStart: urlAt, selectEnd: urlAt + 'https://'.length }
    : {
        from: s.start,
        to: s.end,
        text,
        selectStart: s.start + 1,
        selectEnd: s.start + 1 + label.length,
      };
}

/** The edit one toolbar button makes; `samples` are the placeholders in the person's language. */
export function format(kind: Format, s: Selection, samples: Record<Format, string>): Edit {
  switch (kind) {
    case 'bold':
      return wrap(s, '**', samples.bold);
    case 'italic':
      return wrap(s, '*', samples.italic);
    case 'quote':
      return prefixLines(s, '> ', samples.quote);
    case 'list':
      return prefixLines(s, '- ', samples.list);
    case 'link':
      return link(s, samples.link);
  }
}
