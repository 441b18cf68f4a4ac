import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SearchIndex,
  type SearchDocument,
  type SearchParams,
} from '../src/server/modules/search/index.ts';
import {
  SEARCH_CANDIDATES,
  SearchRepository,
} from '../src/server/modules/search/search.repository.ts';
import {
  makeSnippet,
  tokenizeForIndex,
  tokenizeQuery,
} from '../src/server/modules/search/tokenize.ts';
import { AppError } from '../src/server/platform/http/errors.ts';
import { encodeCursor } from '../src/server/platform/http/pagination.ts';
import { createStorage, dialect, type TestStorage } from './support/context.ts';

let storage: TestStorage;
let index: SearchIndex;
beforeAll(async () => {
  storage = await createStorage();
  index = new SearchIndex(storage.database.dialect);
});
afterAll(() => storage.close());

/** A word no other test uses (letters only, so it is one token). */
const uniqueWord = () =>
  'w' +
  Array.from(randomBytes(8), (b) => String.fromCharCode(97 + (b % 26)))
    .join('')
    .slice(0, 9);
const uid = () => randomBytes(8).toString('hex');

function doc(overrides: Partial<SearchDocument> = {}): SearchDocument {
  const id = overrides.id ?? uid();
  return {
    kind: 'thread',
    id,
    resultId: id,
    groupId: null,
    restricted: false,
    title: '',
    body: '',
    createdAt: Date.now(),
    ...overrides,
  };
}

async function put(...docs: SearchDocument[]): Promise<void> {
  await storage.database.db.transaction().execute(async (trx) => {
    for (const d of docs) await index.upsert(trx, d);
  });
}

function search(q: string, more: Partial<SearchParams> = {}) {
  return index.query(storage.database.db, {
    q,
    kinds: ['group', 'thread', 'post', 'activity'],
    memberOfGroupIds: [],
    limit: 50,
    ...more,
  });
}

const ids = async (q: string, more: Partial<SearchParams> = {}) =>
  (await search(q, more)).items.map((i) => i.resultId);

describe('tokenizer', () => {
  it('splits CJK runs into overlapping bigrams and keeps the last character', () => {
    expect(tokenizeForIndex('周末去爬山')).toEqual(['周末', '末去', '去爬', '爬山', '山']);
    expect(tokenizeForIndex('山')).toEqual(['山']);
    expect(tokenizeForIndex('日本語のテキスト')).toEqual([
      '日本',
      '本語',
      '語の',
      'のテ',
      'テキ',
      'キス',
      'スト',
      'ト',
    ]);
    expect(tokenizeForIndex('한국어')).toEqual(['한국', '국어', '어']);
  });

  it('separates Chinese from Latin words and digits in mixed text', () => {
    expect(tokenizeForIndex('我的iPhone手机壳, 2024年买的')).toEqual([
      '我的',
      '的',
      'iphone',
      '手机',
      '机壳',
      '壳',
      '2024',
      '年买',
      '买的',
      '的',
    ]);
  });

  it('normalises full-width and half-width forms (NFKC) and lower-cases', () => {
    expect(tokenizeForIndex('ＰＨＯＴＯ１２３ ｶﾒﾗ')).toEqual(['photo123', 'カメ', 'メラ', 'ラ']);
    expect(tokenizeForIndex('Café ÉCOLE Straße')).toEqual(['café', 'école', 'straße']);
  });

  it('treats punctuation, symbols and emoji as separators', () => {
    expect(tokenizeForIndex('hello, world! 你好。世界…「爬山」')).toEqual([
      'hello',
      'world',
      '你好',
      '好',
      '世界',
      '界',
      '爬山',
      '山',
    ]);
    expect(tokenizeForIndex('爬山🏔️好开心😀 fun👨‍👩‍👧 1️⃣')).toEqual([
      '爬山',
      '山',
      '好开',
      '开心',
      '心',
      'fun',
      '1',
    ]);
    expect(tokenizeForIndex('e-mail: a_b@c.com $5 #tag')).toEqual([
      'e',
      'mail',
      'a',
      'b',
      'c',
      'com',
      '5',
      'tag',
    ]);
    expect(tokenizeForIndex(' \n\t…!? 🎉 ')).toEqual([]);
  });

  it('keeps combining marks with their letter', () => {
    expect(tokenizeForIndex('ภาษาไทย हिन्दी')).toEqual(['ภาษาไทย', 'हिन्दी']);
  });

  it('makes query tokens: bigrams exact, lone CJK characters and the last word prefixes', () => {
    expect(tokenizeQuery('爬山')).toEqual([{ text: '爬山', prefix: false }]);
    expect(tokenizeQuery('山')).toEqual([{ text: '山', prefix: true }]);
    expect(tokenizeQuery('去爬山')).toEqual([
      { text: '去爬', prefix: false },
      { text: '爬山', prefix: false },
    ]);
    expect(tokenizeQuery('Big PHOTO')).toEqual([
      { text: 'big', prefix: false },
      { text: 'photo', prefix: true },
    ]);
    expect(tokenizeQuery('photo 山 爬山')).toEqual([
      { text: 'photo', prefix: false },
      { text: '山', prefix: true },
      { text: '爬山', prefix: false },
    ]);
    expect(tokenizeQuery('photo photo')).toEqual([{ text: 'photo', prefix: false }]);
    expect(tokenizeQuery('"*AND(:\'&|!')).toEqual([{ text: 'and', prefix: true }]);
    expect(tokenizeQuery('  !!! 😀 ')).toEqual([]);
  });

  it('makes snippets around the first match, at most 120 characters', () => {
    const body = `${'前言'.repeat(100)} 周末去爬山 ${'后记'.repeat(100)}`;
    const s = makeSnippet('标题', body, tokenizeQuery('爬山'));
    expect(s).toContain('周末去爬山');
    expect(Array.from(s).length).toBeLessThanOrEqual(120);
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    const emoji = makeSnippet('t', `${'😀'.repeat(300)}爬山${'🏔'.repeat(300)}`, [
      { text: '爬山', prefix: false },
    ]);
    expect(emoji).toContain('爬山');
    expect(Array.from(emoji).length).toBeLessThanOrEqual(120);
    expect(/[\uD800-\uDFFF]/.test(emoji.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))).toBe(
      false,
    );
    expect(makeSnippet('My PHOTOS', 'nothing\nhere', tokenizeQuery('photo'))).toBe('My PHOTOS');
    expect(makeSnippet('t', 'Ｆｕｌｌ width', tokenizeQuery('full'))).toBe('Ｆｕｌｌ width');
    expect(makeSnippet('t', 'short  body', tokenizeQuery('zzz'))).toBe('short body');
  });
});

describe(`search (${dialect})`, () => {
  it('finds a two-character Chinese word inside a longer run', async () => {
    const d = doc({ title: '活动', body: '周末去爬山，有人一起吗？' });
    await put(d);
    const res = await search('爬山', { groupId: undefined });
    expect(res.items.map((i) => i.resultId)).toContain(d.id);
    const hit = res.items.find((i) => i.resultId === d.id)!;
    expect(hit.kind).toBe('thread');
    expect(hit.snippet).toContain('爬山');
  });

  it('matches Chinese queries of three or more characters and one character', async () => {
    const g = uid();
    const d = doc({ groupId: g, body: '我们周末去爬山看日出' });
    await put(d);
    expect(await ids('去爬山', { groupId: g })).toEqual([d.id]);
    expect(await ids('周末去爬山看日出', { groupId: g })).toEqual([d.id]);
    expect(await ids('爬山去', { groupId: g })).toEqual([]); // 山去 is not in the text
    for (const one of ['我', '爬', '出', '日']) {
      expect(await ids(one, { groupId: g })).toEqual([d.id]);
    }
    expect(await ids('海', { groupId: g })).toEqual([]);
  });

  it('matches mixed Chinese and Latin text, full-width queries included', async () => {
    const g = uid();
    const d = doc({ groupId: g, body: '出售我的iPhone手机壳，九成新' });
    await put(d);
    expect(await ids('iphone 手机', { groupId: g })).toEqual([d.id]);
    expect(await ids('ＩＰＨＯＮＥ', { groupId: g })).toEqual([d.id]);
    expect(await ids('IPhone手机壳', { groupId: g })).toEqual([d.id]);
    expect(await ids('android 手机', { groupId: g })).toEqual([]);
  });

  it('finds the same documents for a mixed-script corpus (the same answers on both databases)', async () => {
    const g = uid();
    const texts = {
      ja: '東京でカメラの勉強会をします',
      ko: '주말에 등산 모임',
      th: 'ภาษาไทย ชมรม',
      fr: 'Café à Paris, ÉCOLE de photo',
      num: 'Meetup 2024 at room 101B',
      emoji: '🎉派对🎉 tonight',
      fw: 'ＦＵＬＬ　ｗｉｄｔｈ　ｶﾒﾗ',
    };
    const docs = Object.fromEntries(
      Object.entries(texts).map(([k, body]) => [k, doc({ id: `${g}-${k}`, groupId: g, body })]),
    );
    await put(...Object.values(docs));
    const cases: [string, string[]][] = [
      ['カメラ', ['fw', 'ja']],
      ['勉強', ['ja']],
      ['東', ['ja']],
      ['등산', ['ko']],
      ['모', ['ko']],
      ['ภาษาไทย', ['th']],
      ['ภาษ', ['th']],
      ['café', ['fr']],
      ['cafe', []],
      ['école photo', ['fr']],
      ['ÉCOLE', ['fr']],
      ['2024', ['num']],
      ['101', ['num']],
      ['101b', ['num']],
      ['10', ['num']],
      ['room 1', ['num']],
      ['派对', ['emoji']],
      ['派', ['emoji']],
      ['对 tonight', ['emoji']],
      ['full width', ['fw']],
      ['ｗｉｄ', ['fw']],
    ];
    for (const [q, want] of cases) {
      expect((await ids(q, { groupId: g })).sort(), q).toEqual(want.map((k) => docs[k]!.id).sort());
    }
  });

  it('matches Latin words whole, with the last word as a prefix; tokens are ANDed', async () => {
    const w = uniqueWord();
    const a = doc({ title: `${w}graphy club`, body: 'Street photography in Shanghai' });
    const b = doc({ title: `${w} walks`, body: 'Weekend hiking' });
    await put(a, b);
    expect((await ids(w)).sort()).toEqual([a.id, b.id].sort());
    expect(await ids(`${w}graphy`)).toEqual([a.id]);
    expect(await ids(`${w} weekend`)).toEqual([b.id]);
    expect(await ids(`${w} week`)).toEqual([b.id]);
    expect(await ids(`${w}grap shanghai`)).toEqual([]); // only the last word is a prefix
    expect(await ids(`${w} hiking photography`)).toEqual([]);
  });

  it('ranks a title match above a body-only match', async () => {
    const w = uniqueWord();
    const bodyOnly = doc({ title: 'Saturday plans', body: `We meet at ten, ${w} after lunch` });
    const inTitle = doc({ title: `${w} on Saturday`, body: 'We meet at ten, lunch after' });
    await put(bodyOnly, inTitle);
    const res = await search(w);
    expect(res.items.map((i) => i.resultId)).toEqual([inTitle.id, bodyOnly.id]);
    expect(res.items[0]!.rank).toBeGreaterThan(res.items[1]!.rank);
  });

  it('shows restricted documents only to members; excludes groups on request', async () => {
    const w = uniqueWord();
    const [closed, open, other] = [uid(), uid(), uid()];
    const secret = doc({ groupId: closed, restricted: true, body: `${w} secret` });
    const pub = doc({ groupId: open, body: `${w} public` });
    const loose = doc({ kind: 'activity', groupId: null, body: `${w} no group` });
    const elsewhere = doc({ groupId: other, restricted: true, body: `${w} elsewhere` });
    await put(secret, pub, loose, elsewhere);
    expect((await ids(w)).sort()).toEqual([pub.id, loose.id].sort());
    expect((await ids(w, { memberOfGroupIds: [closed, open] })).sort()).toEqual(
      [secret.id, pub.id, loose.id].sort(),
    );
    expect(await ids(w, { memberOfGroupIds: [closed], groupId: closed })).toEqual([secret.id]);
    expect((await ids(w, { memberOfGroupIds: [closed], excludeGroupIds: [open] })).sort()).toEqual(
      [secret.id, loose.id].sort(),
    );
    expect(
      (await ids(w, { memberOfGroupIds: [closed], excludeGroupIds: [closed, open] })).sort(),
    ).toEqual([loose.id]);
  });

  it('filters by kind', async () => {
    const w = uniqueWord();
    const g = doc({ kind: 'group', body: w });
    const a = doc({ kind: 'activity', body: w });
    await put(g, a);
    expect(await ids(w, { kinds: ['group'] })).toEqual([g.id]);
    expect(await ids(w, { kinds: ['activity', 'post'] })).toEqual([a.id]);
    expect(await ids(w, { kinds: [] })).toEqual([]);
  });

  it('setGroupRestricted hides and shows a whole group', async () => {
    const w = uniqueWord();
    const g = uid();
    const t = doc({ groupId: g, title: w });
    const p = doc({ kind: 'post', resultId: t.id, groupId: g, body: `re: ${w}` });
    const outside = doc({ groupId: uid(), title: w });
    await put(t, p, outside);
    await storage.database.db
      .transaction()
      .execute((trx) => index.setGroupRestricted(trx, g, true));
    expect(await ids(w)).toEqual([outside.id]);
    expect((await ids(w, { memberOfGroupIds: [g] })).sort()).toEqual([t.id, outside.id].sort());
    await storage.database.db
      .transaction()
      .execute((trx) => index.setGroupRestricted(trx, g, false));
    expect((await ids(w)).sort()).toEqual([t.id, outside.id].sort());
    // the text index is untouched by the flag
    expect(await ids(`re ${w}`)).toEqual([t.id]);
  });

  it('remove takes a document out of the index', async () => {
    const w = uniqueWord();
    const a = doc({ body: w });
    const b = doc({ body: w });
    await put(a, b);
    await storage.database.db.transaction().execute((trx) => index.remove(trx, 'thread', a.id));
    expect(await ids(w)).toEqual([b.id]);
    // removing something absent is not an error
    await index.remove(storage.database.db, 'thread', a.id);
    await index.remove(storage.database.db, 'post', b.id);
    expect(await ids(w)).toEqual([b.id]);
  });

  it('upsert replaces the old text', async () => {
    const [oldWord, newWord] = [uniqueWord(), uniqueWord()];
    const d = doc({ title: oldWord, body: `${oldWord} 旧内容` });
    await put(d);
    expect(await ids(oldWord)).toEqual([d.id]);
    await put({ ...d, title: newWord, body: `${newWord} 新内容` });
    expect(await ids(oldWord)).toEqual([]);
    expect(await ids(`${oldWord} 旧内容`)).toEqual([]);
    expect(await ids(newWord)).toEqual([d.id]);
    const rows = await storage.database.db
      .selectFrom('searchDocuments')
      .select('title')
      .where('kind', '=', 'thread')
      .where('id', '=', d.id)
      .execute();
    expect(rows).toEqual([{ title: newWord }]);
  });

  it('changes the index atomically with the caller’s transaction', async () => {
    const w = uniqueWord();
    await expect(
      storage.database.db.transaction().execute(async (trx) => {
        await index.upsert(trx, doc({ body: w }));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await ids(w)).toEqual([]);
  });

  it('returns a thread once when it and its replies match, with the best rank', async () => {
    const w = uniqueWord();
    const g = uid();
    const thread = doc({ groupId: g, title: `About ${w}`, body: 'opening post' });
    const reply1 = doc({ kind: 'post', resultId: thread.id, groupId: g, body: `${w} too` });
    const reply2 = doc({ kind: 'post', resultId: thread.id, groupId: g, body: `more ${w}` });
    const onlyReply = doc({ groupId: g, title: 'Other thread', body: 'nothing' });
    const reply3 = doc({ kind: 'post', resultId: onlyReply.id, groupId: g, body: `${w}!` });
    await put(thread, reply1, reply2, onlyReply, reply3);
    const res = await search(w);
    expect(res.items.map((i) => i.resultId)).toEqual([thread.id, onlyReply.id]);
    expect(res.items.map((i) => i.kind)).toEqual(['thread', 'thread']);
    const threadsOnly = await search(w, { kinds: ['thread'] });
    expect(threadsOnly.items.map((i) => i.resultId)).toEqual([thread.id]);
    const postsOnly = await search(w, { kinds: ['post'] });
    expect(postsOnly.items.map((i) => i.resultId).sort()).toEqual([thread.id, onlyReply.id].sort());
  });

  it('pages through many results, each exactly once', async () => {
    const w = uniqueWord();
    const docs: SearchDocument[] = [];
    for (let i = 0; i < 60; i++) {
      // Many ties (same text) and many distinct ranks (repeats, title or body, length).
      const n = 1 + (i % 4);
      const t = i % 3 === 0 ? `${w} ` : '';
      docs.push(doc({ title: `${t}title ${i % 2}`, body: `${`${w} `.repeat(n)} filler ${i % 5}` }));
      if (i % 10 === 0) {
        docs.push(doc({ kind: 'post', resultId: docs[docs.length - 1]!.id, body: `${w} reply` }));
      }
    }
    await put(...docs);
    const expected = new Set(docs.filter((d) => d.kind === 'thread').map((d) => d.id));
    const all = await search(w, { limit: 100 });
    expect(all.items).toHaveLength(expected.size);
    expect(all.nextCursor).toBeNull();

    const seen: string[] = [];
    const ranks: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search(w, { limit: 7, cursor });
      seen.push(...page.items.map((i) => i.resultId));
      ranks.push(...page.items.map((i) => i.rank));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toHaveLength(expected.size);
    expect(new Set(seen)).toEqual(expected);
    expect(seen).toEqual(all.items.map((i) => i.resultId));
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(ranks.every(Number.isSafeInteger)).toBe(true);
  });

  it('never lets a hostile query break the match syntax', async () => {
    const w = uniqueWord();
    const d = doc({ title: `${w} and or not near`, body: 'title_tokens body_tokens tsv' });
    await put(d);
    const hostile = [
      '"',
      '""',
      '*',
      '**',
      'AND',
      'OR',
      'NOT',
      'NEAR(a b)',
      '(',
      ')',
      ':',
      "'",
      "''",
      '&|!',
      '!!',
      '\\',
      '^',
      '-',
      '+',
      '{',
      '<->',
      ':*',
      "'a':*",
      'title_tokens:x',
      'body_tokens : x',
      'a & b | !c',
      '"unterminated',
      '%_',
      ';drop table search_documents;--',
      '\u0000',
      ' ',
      '',
      '😀',
      'x'.repeat(5000),
      '字'.repeat(2000),
    ];
    for (const q of hostile) {
      const res = await search(q);
      expect(Array.isArray(res.items), q).toBe(true);
      const mixed = await search(`${q}${w}${q}`);
      expect(Array.isArray(mixed.items), q).toBe(true);
      expect(await ids(`${w} ${q}`)).toEqual(expect.any(Array));
    }
    expect(await ids(`"${w}" AND (or)`)).toEqual([d.id]);
    expect(await ids(`${w}:* & 'near'`)).toEqual([d.id]);
    expect(await ids(`title_tokens:${w}`)).toEqual([d.id]);
    expect(await search('')).toEqual({ items: [], nextCursor: null });
    expect(await search('!?…')).toEqual({ items: [], nextCursor: null });
  });

  it('rejects a bad cursor with invalid_cursor', async () => {
    const bad = [
      'garbage',
      '!!!',
      encodeCursor('threads', [1, 'x']),
      encodeCursor('search', [1.5, 'x']),
      encodeCursor('search', ['1', 'x']),
      encodeCursor('search', [1]),
      encodeCursor('search', [Number.MAX_SAFE_INTEGER * 4, 'x']),
    ];
    for (const cursor of bad) {
      const err = await search('anything', { cursor }).catch((e: unknown) => e);
      expect(err, cursor).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('invalid_cursor');
      expect((err as AppError).status).toBe(400);
    }
    // even when the query has no tokens
    await expect(search('!!', { cursor: 'garbage' })).rejects.toMatchObject({
      code: 'invalid_cursor',
    });
  });

  it('ranks a bounded set of the newest matches, asking the index only for the kinds and group in scope', async () => {
    const word = uniqueWord();
    const gA = `group-${uid()}`;
    const gB = `group-${uid()}`;
    // Old documents of each scope, then more posts of another group than a search ranks.
    const group = doc({ kind: 'group', groupId: gA, title: `${word} 俱乐部`, createdAt: 1 });
    const activity = doc({ kind: 'activity', groupId: null, title: `${word} 活动`, createdAt: 2 });
    const old = doc({ kind: 'thread', groupId: gA, title: `${word} 老帖`, createdAt: 3 });
    await put(group, activity, old);
    const posts = Array.from({ length: SEARCH_CANDIDATES + 100 }, (_, i) =>
      doc({
        kind: 'post',
        resultId: `t-${i}`,
        groupId: gB,
        body: `${word} ${i}`,
        createdAt: 10 + i,
      }),
    );
    for (let i = 0; i < posts.length; i += 200) await put(...posts.slice(i, i + 200));

    expect(await ids(word, { kinds: ['group'] })).toEqual([group.id]);
    expect(await ids(word, { kinds: ['activity'] })).toEqual([activity.id]);
    expect(await ids(word, { groupId: gA, kinds: ['thread', 'post'] })).toEqual([old.id]);
    expect(await ids(word, { groupId: gA })).toEqual(expect.arrayContaining([group.id, old.id]));
    // Across everything, the page comes from the newest SEARCH_CANDIDATES matches.
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await search(word, { cursor });
      for (const h of page.items) seen.add(h.resultId);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.size).toBe(SEARCH_CANDIDATES);
    expect(seen.has('t-599')).toBe(true);
    expect(seen.has('t-0')).toBe(false);
  });

  it('never lets query text reach the scope tokens', async () => {
    const word = uniqueWord();
    const g = `group-${uid()}`;
    await put(doc({ kind: 'post', groupId: g, body: word }));
    expect(await ids('kpost')).toEqual([]);
    expect(await ids(`kpost ${word}`)).toEqual([]);
    expect(await ids(`g${g.replaceAll('-', '')}`)).toEqual([]);
    expect(await ids(word)).toHaveLength(1);
  });

  it('uses the full-text index, not a scan of search_documents', async () => {
    // Enough rows that a planner's choice means something.
    const filler = Array.from({ length: 3000 }, (_, i) => ({
      kind: i % 2 ? ('post' as const) : ('thread' as const),
      id: `filler-${i}`,
      resultId: `filler-${i - (i % 2)}`,
      groupId: `filler-group-${i % 50}`,
      restricted: i % 7 === 0 ? 1 : 0,
      title: '',
      body: '',
      titleTokens: `filler ${i % 13} 周日 ${uniqueWord()}`,
      bodyTokens: `${uniqueWord()} text ${i}`,
      createdAt: i,
      updatedAt: i,
    }));
    for (let i = 0; i < filler.length; i += 500) {
      await storage.database.db
        .insertInto('searchDocuments')
        .values(filler.slice(i, i + 500))
        .execute();
    }
    const repo = new SearchRepository(storage.database.db, dialect);
    const query = repo.searchSql({
      tokens: tokenizeQuery('周末 photo'),
      kinds: ['thread', 'post'],
      memberOfGroupIds: ['g1'],
      excludeGroupIds: ['g2'],
      after: { score: 10, resultId: 'x' },
      take: 21,
    });
    if (dialect === 'sqlite') {
      const { rows } = await sql<{ detail: string }>`explain query plan ${query}`.execute(
        storage.database.db,
      );
      const plan = rows.map((r) => r.detail).join('\n');
      expect(plan).toMatch(/SCAN search_fts VIRTUAL TABLE INDEX/);
      expect(plan).toMatch(/SEARCH d USING INTEGER PRIMARY KEY/);
      // The candidates drive: no document is read by kind and probed against them.
      expect(plan).not.toMatch(/SCAN d\b|SEARCH d USING INDEX|AUTOMATIC/);
    } else {
      // As autovacuum would: statistics, and the GIN pending list merged into the index.
      await sql`vacuum analyze search_documents`.execute(storage.database.db);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(
        storage.database.db,
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Bitmap Index Scan on search_documents_tsv_idx/);
      expect(plan).not.toMatch(/Seq Scan on search_documents/);
    }
  });
});
