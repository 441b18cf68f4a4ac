import { describe, expect, it } from 'vitest';
import { format, type Format } from '../src/client/components/markdown-format.ts';
import { diffWords } from '../src/client/features/forum/diff.ts';

/**
 * The web client's text helpers that need no browser: the Markdown toolbar's edits of a
 * selection, and the word diff of the edit history (character by character for Chinese).
 */
const samples: Record<Format, string> = {
  bold: '加粗文字',
  italic: '斜体文字',
  quote: '引用内容',
  link: '链接文字',
  list: '列表项',
};

/** Applies an edit and returns the new text with the selection marked as [..]. */
function run(kind: Format, marked: string): string {
  const start = marked.indexOf('[');
  const end = marked.indexOf(']') - 1;
  const value = marked.replace('[', '').replace(']', '');
  const e = format(kind, { value, start, end }, samples);
  const next = value.slice(0, e.from) + e.text + value.slice(e.to);
  return `${next.slice(0, e.selectStart)}[${next.slice(e.selectStart, e.selectEnd)}]${next.slice(e.selectEnd)}`;
}

describe('the Markdown toolbar', () => {
  it('wraps the selection, keeping edge spaces outside, and unwraps it again', () => {
    expect(run('bold', '带上[水 ]和头灯')).toBe('带上**[水]** 和头灯');
    expect(run('bold', '带上**[水]** 和头灯')).toBe('带上[水] 和头灯');
    expect(run('italic', 'a [b] c')).toBe('a *[b]* c');
  });

  it('inserts a chosen sample when nothing is selected', () => {
    expect(run('bold', '带上[]')).toBe('带上**[加粗文字]**');
    expect(run('link', '看[]')).toBe('看[[链接文字]](https://)');
  });

  it('makes a link around text (the address left to type) or around an address', () => {
    expect(run('link', '[路线图]')).toBe('[路线图]([https://])');
    expect(run('link', '[https://example.com/a]')).toBe('[[链接文字]](https://example.com/a)');
  });

  it('prefixes every selected line, skips blank ones, and toggles back', () => {
    expect(run('list', '[水\n\n头灯]')).toBe('[- 水\n\n- 头灯]');
    expect(run('list', '[- 水\n- 头灯]')).toBe('[水\n头灯]');
    expect(run('quote', '第一行\n第[]二行')).toBe('第一行\n[> 第二行]');
    expect(run('quote', '第一行\n[]')).toBe('第一行\n> [引用内容]');
  });
});

describe('the edit history diff', () => {
  it('compares Chinese by character and Latin by word', () => {
    expect(diffWords('周六早上八点集合', '周六早上九点在地铁站集合')).toEqual([
      { kind: 'same', text: '周六早上' },
      { kind: 'removed', text: '八' },
      { kind: 'added', text: '九' },
      { kind: 'same', text: '点' },
      { kind: 'added', text: '在地铁站' },
      { kind: 'same', text: '集合' },
    ]);
    expect(diffWords('hello big world', 'hello small world')).toEqual([
      { kind: 'same', text: 'hello ' },
      { kind: 'removed', text: 'big' },
      { kind: 'added', text: 'small' },
      { kind: 'same', text: ' world' },
    ]);
  });

  it('folds a lone mark left between two changes into them', () => {
    expect(diffWords('aa - bb', 'cc - dd')).toEqual([
      { kind: 'removed', text: 'aa - bb' },
      { kind: 'added', text: 'cc - dd' },
    ]);
  });

  it('gives up (null) on texts too long to compare, never hangs', () => {
    const a = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ');
    const b = Array.from({ length: 2000 }, (_, i) => `v${i}`).join(' ');
    expect(diffWords(a, b)).toBeNull();
    expect(diffWords(a, a)).toEqual([{ kind: 'same', text: a }]);
  });
});
