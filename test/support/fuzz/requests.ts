/**
 * Hostile requests built from the OpenAPI operations: a valid request first (values from the
 * schemas, ids of real fixture objects, a real session), then mutations that break one thing at
 * a time — a field's type, a missing field, a huge or deeply nested value, control characters,
 * a bad id or cursor, the wrong content type, malformed JSON, a bad token, a missing
 * Idempotency-Key — so that most requests get deep into validation and the services.
 *
 * fast-check generates plain descriptors (small: a 100k-character string is "size 100000",
 * not the string); `materialize()` turns one into the bytes that go on the wire.
 */
import fc from 'fast-check';
import type { Fixtures, IdKind } from './fixtures-types.ts';
import { alternatives, schemaAt, typesOf, type Operation, type Schema } from './openapi.ts';
import { fixUp, idKindOf, valueArb } from './values.ts';

/** A JSON fragment written into the body verbatim (1e309, deep nesting). */
export class RawJson {
  constructor(readonly text: string) {}
}

type Path = (string | number)[];

export type AuthVariant =
  | 'anon'
  | 'invalid'
  | 'malformed'
  | 'cookie'
  | 'cookieInvalid'
  | 'lowercase'
  | 'longToken'
  | 'otherUser';
export type ParamVariant =
  | 'unknown'
  | 'foreign'
  | 'sql'
  | 'nul'
  | 'traversal'
  | 'long'
  | 'badPct'
  | 'empty'
  | 'unicode'
  | 'script'
  | 'ctrl'
  | 'number';
export type WholeBody =
  | 'truncated'
  | 'trailingComma'
  | 'singleQuotes'
  | 'nan'
  | 'concat'
  | 'bom'
  | 'empty'
  | 'whitespace'
  | 'array'
  | 'string'
  | 'number'
  | 'true'
  | 'null'
  | 'comment'
  | 'invalidUtf8'
  | 'utf16'
  | 'dupKeys'
  | 'random';
export type ContentType =
  | 'text/plain'
  | 'form'
  | 'xml'
  | 'multipart'
  | 'none'
  | 'empty'
  | 'bogus'
  | 'vnd+json'
  | 'json-patch'
  | 'charset-utf8'
  | 'charset-latin1'
  | 'upper'
  | 'params'
  | 'dup';
export type HeaderVariant =
  | 'oversize'
  | 'acceptLanguage'
  | 'requestId'
  | 'origin'
  | 'referer'
  | 'forwardedFor'
  | 'host'
  | 'contentEncoding'
  | 'acceptHtml';
export type IdemVariant = 'none' | 'reuse' | 'long' | 'nonAscii' | 'empty' | 'spaces' | 'dup';
export type UrlVariant =
  | 'trailingSlash'
  | 'doubleSlash'
  | 'upper'
  | 'dotSegment'
  | 'fragment'
  | 'semicolon'
  | 'encodedChar';

export type Mutation =
  | { k: 'auth'; v: AuthVariant; n: number }
  | { k: 'drop'; pick: number }
  | { k: 'wrongType'; pick: number; n: number }
  | { k: 'number'; pick: number; raw: string }
  | { k: 'extra'; name: string; value: unknown }
  | { k: 'proto'; v: '__proto__' | 'constructor' }
  | { k: 'ctrl'; pick: number; ch: string; where: 'start' | 'middle' | 'end' | 'only' }
  | { k: 'payload'; pick: number; text: string }
  | { k: 'huge'; pick: number; size: number | 'over'; ch: string }
  | { k: 'hugeArray'; pick: number; size: number | 'over' }
  | { k: 'deep'; pick: number; depth: number; shape: 'array' | 'object' }
  | { k: 'body'; v: WholeBody; text: string }
  | { k: 'ctype'; v: ContentType }
  | { k: 'tooLarge' }
  | { k: 'param'; pick: number; v: ParamVariant; n: number; uuid: string }
  | {
      k: 'cursor';
      v: 'random' | 'garbage' | 'foreign' | 'forged' | 'long';
      n: number;
      bytes: number[];
    }
  | { k: 'limit'; v: string }
  | { k: 'enum'; pick: number; v: string }
  | { k: 'dropQuery'; pick: number }
  | { k: 'dupQuery'; pick: number }
  | { k: 'extraQuery'; name: string; v: string }
  | { k: 'queryText'; pick: number; v: string }
  | { k: 'header'; v: HeaderVariant; n: number }
  | { k: 'idem'; v: IdemVariant }
  | { k: 'method'; n: number }
  | { k: 'url'; v: UrlVariant };

/** One generated request, before it becomes bytes. */
export interface Descriptor {
  op: Operation;
  actor: number;
  anonymous: boolean;
  pathValues: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  idemKey: string;
  mutations: Mutation[];
  /** Built to be refused (it carries a mutation every valid server must reject). */
  hostile: boolean;
}

/** What goes on the wire. */
export interface WireRequest {
  op: string;
  method: string;
  /** Raw request target: path and query, exactly as sent. */
  target: string;
  /** Header lines in order (names may repeat). */
  headers: [string, string][];
  body?: Buffer;
  hostile: boolean;
  /** Readable labels of what was done to the valid request. */
  tags: string[];
  /** Larger than the server accepts (body or headers): a reset instead of an answer is fine. */
  oversize: boolean;
  /** Which fixture user's session it carries, if any (for the report). */
  actor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary of hostile values

const CONTROL_CHARS = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\ud800',
  '\udfff',
  '\u2028',
  '\u202e',
  '\ufeff',
  '\uffff',
];
/** NUL and lone surrogates most often: they are what databases choke on. */
const controlChar = fc.oneof(
  { weight: 3, arbitrary: fc.constant('\u0000') },
  { weight: 2, arbitrary: fc.constantFrom('\ud800', '\udfff') },
  { weight: 4, arbitrary: fc.constantFrom(...CONTROL_CHARS) },
);
const PAYLOADS = [
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "' OR 1=1--",
  "'; DROP TABLE users; --",
  '" OR ""="',
  '1; SELECT pg_sleep(5)',
  '../../../../etc/passwd',
  '%00',
  '\\u0000',
  '{{7*7}}${7*7}',
  '__proto__',
  '[](javascript:alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  '@everyone @' + 'a'.repeat(40),
];
const NUMBERS_RAW = [
  '0',
  '-1',
  '-0',
  '1e20',
  '9007199254740993',
  '1e308',
  '-1e308',
  '1e309',
  '0.5',
  '1E2',
  '2147483648',
  '-2147483649',
  '9223372036854775808',
  '4e-324',
];
const JUNK: unknown[] = [
  42,
  -1,
  1.5,
  true,
  false,
  null,
  'x',
  '',
  '42',
  'true',
  [],
  {},
  ['a'],
  { a: 1 },
  { $gt: '' },
  new RawJson('1e309'),
];
const SQL_IDS = ["' OR 1=1--", "1' OR '1'='1", '1;DROP TABLE users', "'||pg_sleep(5)||'", '*'];
const BAD_PCT = ['%E0%A4%A', '%', '%zz', '%C0%AF', '%ED%A0%80', '%FF', 'a%2', '%%30'];
const TRAVERSALS = ['../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e', '..', '.'];
const UNICODE_IDS = ['中文', '😀', 'İ', 'e\u0301', '\u202eabc', 'Ⅻ', '１２３'];
const CURSOR_GARBAGE = ['!!!', '====', 'a', '😀', '%00', 'null', 'W10', 'WyJ4Il0'];
const LIMITS = [
  '0',
  '101',
  '-1',
  'abc',
  '1.5',
  '',
  '1e3',
  '99999999999999999999',
  'NaN',
  ' 5',
  '0x10',
];

// ---------------------------------------------------------------------------------------------
// Structure helpers

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RawJson);
}

/** Every path into a value (not the root), depth first. */
function pathsOf(v: unknown, base: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push([...base, i]);
      out.push(...pathsOf(x, [...base, i]));
    });
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      out.push([...base, k]);
      out.push(...pathsOf(x, [...base, k]));
    }
  }
  return out;
}

function getAt(v: unknown, p: Path): unknown {
  let cur = v;
  for (const seg of p) cur = (cur as Record<string | number, unknown>)?.[seg];
  return cur;
}

/** Returns the new root (the root itself is replaced when the path is empty). */
function setAt(root: unknown, p: Path, value: unknown): unknown {
  if (p.length === 0) return value;
  const parent = getAt(root, p.slice(0, -1)) as Record<string | number, unknown>;
  parent[p[p.length - 1]!] = value;
  return root;
}

function deleteAt(root: unknown, p: Path): void {
  const parent = getAt(root, p.slice(0, -1));
  const last = p[p.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isObj(parent)) delete parent[last as string];
}

/** Required properties present in the value, at any depth. */
function requiredPaths(s: Schema | null, v: unknown, base: Path = []): Path[] {
  if (!s || !isObj(v)) return [];
  const out: Path[] = [];
  for (const a of alternatives(s)) {
    for (const k of a.required ?? []) if (k in v) out.push([...base, k]);
    for (const [k, sub] of Object.entries(a.properties ?? {})) {
      if (k in v) out.push(...requiredPaths(sub, v[k], [...base, k]));
    }
  }
  return out;
}

/** The JSON types a value has ('integer' too for whole numbers). */
function typesOfValue(v: unknown): string[] {
  if (v instanceof RawJson) return ['number'];
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['number', 'integer'] : ['number'];
  return [typeof v];
}

const pick = <T>(xs: readonly T[], n: number): T | undefined =>
  xs.length ? xs[Math.abs(n) % xs.length] : undefined;

/** Percent-encodes everything but unreserved characters; a lone surrogate becomes WTF-8. */
export function encodeLoose(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (/[A-Za-z0-9\-._~]/.test(ch)) {
      out += ch;
      continue;
    }
    let bytes: number[];
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes = [...Buffer.from(s.slice(i, i + 2), 'utf8')];
        i++;
        out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
    } else {
      bytes = [...Buffer.from(ch, 'utf8')];
    }
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

/** JSON text of a value that may hold RawJson fragments. */
function serialize(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  if (isObj(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const short = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n)}…(${s.length})` : s);
const showPath = (p: Path) => (p.length ? p.join('.') : '<body>');

// ---------------------------------------------------------------------------------------------
// Arbitraries

export interface Context {
  fx: Fixtures;
  operations: Operation[];
  bodyLimit: number;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function queryParams(op: Operation) {
  return op.params.filter((p) => p.in === 'query');
}
function pathParams(op: Operation) {
  return op.params.filter((p) => p.in === 'path');
}

/** Mutations any server must refuse for this operation, and the rest. */
function mutationArbs(op: Operation, ctx: Context) {
  const hard: fc.Arbitrary<Mutation>[] = [];
  const soft: fc.Arbitrary<Mutation>[] = [];
  /** Odd values the services themselves get to see (a valid request otherwise). */
  const reach: fc.Arbitrary<Mutation>[] = [];
  /** Refused before the route runs (headers, URL, size): needed, but less often. */
  const early: fc.Arbitrary<Mutation>[] = [];
  const n = fc.nat();
  const sendsBody = BODY_METHODS.has(op.method);
  const bodySchema = op.body;
  const q = queryParams(op);
  const documentedKey = op.params.some(
    (p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key',
  );

  // Sessions. A bad bearer token is refused on every route; no session where one is needed.
  hard.push(fc.record({ k: fc.constant('auth' as const), v: fc.constant('invalid' as const), n }));
  hard.push(
    fc.record({ k: fc.constant('auth' as const), v: fc.constant('longToken' as const), n }),
  );
  const anonLike = fc.constantFrom<AuthVariant>('anon', 'malformed', 'cookieInvalid');
  (op.secured ? hard : soft).push(fc.record({ k: fc.constant('auth' as const), v: anonLike, n }));
  soft.push(
    fc.record({
      k: fc.constant('auth' as const),
      v: fc.constantFrom<AuthVariant>('cookie', 'lowercase', 'otherUser'),
      n,
    }),
  );

  // The body: its fields.
  if (bodySchema && sendsBody) {
    hard.push(fc.record({ k: fc.constant('wrongType' as const), pick: n, n }));
    const hasRequired = alternatives(bodySchema).some(
      (a) => (a.required ?? []).length > 0 || a.minProperties,
    );
    if (hasRequired) hard.push(fc.record({ k: fc.constant('drop' as const), pick: n }));
    hard.push(
      fc.record({
        k: fc.constant('huge' as const),
        pick: n,
        size: fc.constantFrom<number | 'over'>('over', 'over', 100_000),
        ch: fc.constantFrom('a', '中', '😀', ' '),
      }),
    );
    hard.push(
      fc.record({
        k: fc.constant('deep' as const),
        pick: fc.integer({ min: -1, max: 1000 }),
        depth: fc.constantFrom(1000, 1000, 20_000),
        shape: fc.constantFrom('array' as const, 'object' as const),
      }),
    );
    early.push(fc.record({ k: fc.constant('tooLarge' as const) }));
    soft.push(
      fc.record({
        k: fc.constant('hugeArray' as const),
        pick: n,
        size: fc.constantFrom<number | 'over'>('over', 10_000),
      }),
    );
    soft.push(
      fc.record({
        k: fc.constant('number' as const),
        pick: n,
        raw: fc.constantFrom(...NUMBERS_RAW),
      }),
    );
    soft.push(
      fc.record({
        k: fc.constant('extra' as const),
        name: fc.oneof(
          fc.constantFrom('isAdmin', 'role', 'id', 'userId', 'balanceFen', 'createdAt', 'status'),
          fc.string({ minLength: 1, maxLength: 12 }),
        ),
        value: fc.jsonValue({ maxDepth: 2 }),
      }),
    );
    soft.push(
      fc.record({
        k: fc.constant('proto' as const),
        v: fc.constantFrom('__proto__' as const, 'constructor' as const),
      }),
    );
    reach.push(
      fc.record({
        k: fc.constant('ctrl' as const),
        pick: n,
        ch: controlChar,
        where: fc.constantFrom(
          'start' as const,
          'middle' as const,
          'end' as const,
          'only' as const,
        ),
      }),
    );
    reach.push(
      fc.record({
        k: fc.constant('payload' as const),
        pick: n,
        text: fc.constantFrom(...PAYLOADS),
      }),
    );
  }
  // The body as a whole, and its content type.
  if (sendsBody) {
    const malformed = fc.constantFrom<WholeBody>(
      'truncated',
      'trailingComma',
      'singleQuotes',
      'nan',
      'concat',
      'whitespace',
      'comment',
      'invalidUtf8',
      'utf16',
      'random',
    );
    const wrongShape = fc.constantFrom<WholeBody>('array', 'string', 'number', 'true');
    const other = fc.constantFrom<WholeBody>('bom', 'null', 'dupKeys', 'empty');
    const text = fc.string({ maxLength: 30, unit: 'binary' });
    hard.push(fc.record({ k: fc.constant('body' as const), v: malformed, text }));
    (bodySchema ? hard : soft).push(
      fc.record({ k: fc.constant('body' as const), v: wrongShape, text }),
    );
    soft.push(fc.record({ k: fc.constant('body' as const), v: other, text }));
    const refused = fc.constantFrom<ContentType>(
      'form',
      'xml',
      'multipart',
      'none',
      'empty',
      'bogus',
      'vnd+json',
      'json-patch',
      'text/plain',
    );
    (bodySchema ? hard : soft).push(fc.record({ k: fc.constant('ctype' as const), v: refused }));
    soft.push(
      fc.record({
        k: fc.constant('ctype' as const),
        v: fc.constantFrom<ContentType>('charset-utf8', 'charset-latin1', 'upper', 'params', 'dup'),
      }),
    );
  } else {
    // A body on GET/DELETE: ignored or refused, never a crash.
    soft.push(
      fc.record({
        k: fc.constant('body' as const),
        v: fc.constantFrom<WholeBody>('truncated', 'array', 'random', 'invalidUtf8'),
        text: fc.string({ maxLength: 30 }),
      }),
    );
    soft.push(
      fc.record({
        k: fc.constant('ctype' as const),
        v: fc.constantFrom<ContentType>('text/plain', 'xml'),
      }),
    );
  }

  // Path parameters.
  if (pathParams(op).length) {
    const uuid = fc.uuid({ version: 7 });
    hard.push(
      fc.record({
        k: fc.constant('param' as const),
        pick: n,
        v: fc.constantFrom<ParamVariant>('long', 'badPct', 'traversal', 'empty'),
        n,
        uuid,
      }),
    );
    reach.push(
      fc.record({
        k: fc.constant('param' as const),
        pick: n,
        v: fc.constantFrom<ParamVariant>(
          'unknown',
          'unknown',
          'foreign',
          'foreign',
          'sql',
          'nul',
          'unicode',
          'script',
          'ctrl',
          'number',
        ),
        n,
        uuid,
      }),
    );
  }

  // Query parameters.
  if (q.some((p) => p.name === 'cursor')) {
    const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 48 });
    const otherCursors = ctx.fx.cursors.filter((c) => c.op !== op.key);
    const hardCursor: ('random' | 'garbage' | 'foreign' | 'long')[] = ['random', 'garbage', 'long'];
    if (otherCursors.length) hardCursor.push('foreign');
    hard.push(
      fc.record({ k: fc.constant('cursor' as const), v: fc.constantFrom(...hardCursor), n, bytes }),
    );
    if (ctx.fx.cursors.length) {
      soft.push(
        fc.record({
          k: fc.constant('cursor' as const),
          v: fc.constant('forged' as const),
          n,
          bytes,
        }),
      );
    }
  }
  if (q.some((p) => p.name === 'limit')) {
    const bad = fc.constantFrom(...LIMITS.filter((l) => l !== '1e3' && l !== ' 5' && l !== '0x10'));
    hard.push(fc.record({ k: fc.constant('limit' as const), v: bad }));
    soft.push(
      fc.record({
        k: fc.constant('limit' as const),
        v: fc.constantFrom('1e3', ' 5', '0x10', '100', '1'),
      }),
    );
  }
  const enums = q.filter((p) =>
    alternatives(p.schema).every((a) => a.enum || a.const !== undefined),
  );
  if (enums.length) {
    hard.push(
      fc.record({
        k: fc.constant('enum' as const),
        pick: n,
        v: fc.constantFrom('bogus', '', 'NEW', 'new ', '__proto__', 'new,top', '%00'),
      }),
    );
  }
  if (q.some((p) => p.required))
    hard.push(fc.record({ k: fc.constant('dropQuery' as const), pick: n }));
  if (q.length) {
    soft.push(fc.record({ k: fc.constant('dupQuery' as const), pick: n }));
    reach.push(
      fc.record({
        k: fc.constant('queryText' as const),
        pick: n,
        v: fc.oneof(
          controlChar.map(encodeLoose),
          fc.constantFrom(...BAD_PCT, '%00', 'a'.repeat(10_000)),
          fc.constantFrom(...PAYLOADS).map(encodeLoose),
        ),
      }),
    );
  }
  soft.push(
    fc.record({
      k: fc.constant('extraQuery' as const),
      name: fc.constantFrom(
        'admin',
        '__proto__',
        'cursor[]',
        'limit[$gt]',
        'constructor',
        'a'.repeat(300),
      ),
      v: fc.constantFrom('1', 'true', '', '%00', '{}'),
    }),
  );

  // Headers.
  early.push(
    fc.record({ k: fc.constant('header' as const), v: fc.constant('oversize' as const), n }),
  );
  soft.push(
    fc.record({
      k: fc.constant('header' as const),
      v: fc.constantFrom<HeaderVariant>(
        'acceptLanguage',
        'requestId',
        'origin',
        'referer',
        'forwardedFor',
        'host',
        'contentEncoding',
        'acceptHtml',
      ),
      n,
    }),
  );
  if (op.money) {
    const variants: IdemVariant[] = ['none', 'long', 'nonAscii', 'empty', 'spaces', 'dup'];
    (documentedKey ? hard : soft).push(
      fc.record({ k: fc.constant('idem' as const), v: fc.constantFrom(...variants) }),
    );
    soft.push(fc.record({ k: fc.constant('idem' as const), v: fc.constant('reuse' as const) }));
  }

  // The URL and method.
  const methodsHere = new Set(
    ctx.operations.filter((o) => o.path === op.path).map((o) => o.method),
  );
  if (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].some((m) => !methodsHere.has(m))) {
    early.push(fc.record({ k: fc.constant('method' as const), n }));
  }
  early.push(
    fc.record({
      k: fc.constant('url' as const),
      v: fc.constantFrom<UrlVariant>('trailingSlash', 'doubleSlash', 'upper', 'dotSegment'),
    }),
  );
  soft.push(
    fc.record({
      k: fc.constant('url' as const),
      v: fc.constantFrom<UrlVariant>('fragment', 'semicolon', 'encodedChar'),
    }),
  );
  const refused = fc.oneof(
    { weight: 5, arbitrary: fc.oneof(...hard) },
    { weight: 1, arbitrary: fc.oneof(...early) },
  );
  return { refused, soft, reach };
}

/** Requests for one operation: hostile (refusal guaranteed) or plausible (maybe valid). */
export function operationArbs(op: Operation, ctx: Context) {
  const { fx } = ctx;
  const hint = (name: string) => ({ name, op, fx });
  const pathModel: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of pathParams(op)) {
    pathModel[p.name] =
      p.name === 'emoji' ? fc.constantFrom('👍', '❤️', '🎉') : valueArb(p.schema, hint(p.name));
  }
  const queryModel: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of queryParams(op)) {
    if (p.name === 'cursor') {
      const own = fx.cursors.filter((c) => c.op === op.key).map((c) => c.cursor);
      if (own.length) queryModel.cursor = fc.constantFrom(...own);
      continue;
    }
    if (p.name === 'limit') {
      queryModel.limit = fc.integer({ min: 1, max: p.schema.maximum ?? 100 });
      continue;
    }
    queryModel[p.name] = valueArb(p.schema, hint(p.name));
  }
  const requiredQuery = queryParams(op)
    .filter((p) => p.required && p.name in queryModel)
    .map((p) => p.name);
  const base = fc.record({
    // The organiser (owner of the groups and activities) reaches the most; others see refusals.
    actor: fc.oneof(fc.constant(0), fc.nat({ max: fx.users.length - 1 })),
    anonymous: op.secured ? fc.constant(false) : fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
    pathValues: fc.record(pathModel),
    query: fc.record(queryModel, { requiredKeys: requiredQuery }),
    body:
      op.body && BODY_METHODS.has(op.method) ? valueArb(op.body, hint('')) : fc.constant(undefined),
    idemKey: fc.uuid({ version: 4 }),
  });
  const { refused, soft, reach } = mutationArbs(op, ctx);
  const anyMutation = fc.oneof(refused, ...soft, ...soft, ...reach);
  const odd = reach.length
    ? fc.oneof(
        { weight: 3, arbitrary: fc.oneof(...reach) },
        { weight: 2, arbitrary: fc.oneof(...soft) },
      )
    : fc.oneof(...soft);
  // The refused mutation goes last, so nothing after it undoes it; a body sent as `null` (taken
  // as an empty body) is left out, since it would discard a refused field.
  const hostile = fc
    .tuple(base, refused, fc.array(anyMutation, { maxLength: 2 }))
    .map(([b, h, rest]): Descriptor => ({
      ...b,
      op,
      mutations: [...rest.filter((m) => !(m.k === 'body' && m.v === 'null')), h],
      hostile: true,
    }));
  const plausible = fc
    .tuple(
      base,
      fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as Mutation[]) },
        { weight: 5, arbitrary: fc.array(odd, { minLength: 1, maxLength: 2 }) },
      ),
    )
    .map(([b, ms]): Descriptor => ({ ...b, op, mutations: ms, hostile: false }));
  return { hostile, plausible };
}

/**
 * Batches of requests: most are all-hostile (each request carries a mutation any server must
 * refuse, so the batch should change nothing), the rest mix in plausible requests that reach
 * the services with one odd thing about them.
 */
export function batchArb(ctx: Context, size: number): fc.Arbitrary<Descriptor[]> {
  const per = ctx.operations.map((op) => operationArbs(op, ctx));
  const hostile = fc.oneof(...per.map((p) => p.hostile));
  const plausible = fc.oneof(...per.map((p) => p.plausible));
  const mixed = fc.oneof({ weight: 1, arbitrary: hostile }, { weight: 9, arbitrary: plausible });
  return fc.oneof(
    { weight: 13, arbitrary: fc.array(hostile, { minLength: size, maxLength: size }) },
    { weight: 7, arbitrary: fc.array(mixed, { minLength: size, maxLength: size }) },
  );
}

// ---------------------------------------------------------------------------------------------
// Materialisation

/** State the sender keeps across requests (tokens a log-out may end). */
export interface SendState {
  disposable: string[];
  seq: number;
}

interface Draft {
  method: string;
  pathValues: Record<string, { text: string; raw: boolean }>;
  query: [string, string][];
  headers: [string, string][];
  auth: AuthVariant | 'actor';
  authN: number;
  body: unknown;
  bodyText: Buffer | null;
  protoKeys: string[];
  contentType: ContentType | 'json';
  idem: IdemVariant | 'fresh' | 'absent';
  url: UrlVariant | null;
  tags: string[];
  oversize: boolean;
}

const toText = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : JSON.stringify(v);

function idOfKind(fx: Fixtures, kind: IdKind | null, n: number): string {
  const kinds = (Object.keys(fx.ids) as IdKind[]).filter((k) => k !== kind && fx.ids[k].length);
  const k = pick(kinds, n)!;
  return pick(fx.ids[k], n >> 3) ?? 'x';
}

function forgeCursor(fx: Fixtures, n: number): string {
  const real = pick(fx.cursors, n)!.cursor;
  let parts: unknown[];
  try {
    parts = JSON.parse(Buffer.from(real, 'base64url').toString('utf8')) as unknown[];
  } catch {
    parts = ['x'];
  }
  const variant = (n >> 4) % 8;
  const i = 1 + ((n >> 7) % Math.max(1, parts.length - 1));
  switch (variant) {
    case 0:
      parts[i] = 1e20;
      break;
    case 1:
      parts[i] = -1;
      break;
    case 2:
      parts[i] = 'x';
      break;
    case 3:
      parts[i] = "' OR 1=1--";
      break;
    case 4:
      parts[i] = '\u0000';
      break;
    case 5:
      parts.push(1);
      break;
    case 6:
      parts[i] = null;
      break;
    default:
      parts[i] = 1.5e300;
  }
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

function applyMutation(d: Draft, m: Mutation, desc: Descriptor, ctx: Context): void {
  const { op } = desc;
  const { fx } = ctx;
  const bodySchema = op.body;
  // Fields the schema knows (an extra field would just be dropped by the server).
  const typedPaths = () =>
    pathsOf(d.body).filter((p) => {
      const t = schemaAt(bodySchema ?? undefined, p);
      return t && !typesOf(t).has('any');
    });
  const strings = () => typedPaths().filter((p) => typeof getAt(d.body, p) === 'string');
  switch (m.k) {
    case 'auth':
      d.auth = m.v;
      d.authN = m.n;
      d.tags.push(`auth:${m.v}`);
      return;
    case 'drop': {
      const req = requiredPaths(bodySchema, d.body);
      const p = pick(req, m.pick);
      if (p) {
        deleteAt(d.body, p);
        d.tags.push(`body.drop(${showPath(p)})`);
      } else if (isObj(d.body)) {
        for (const k of Object.keys(d.body)) delete d.body[k];
        d.tags.push('body.drop(all fields)');
      }
      return;
    }
    case 'wrongType': {
      // A field the schema types (not one a mutation added); else the body itself.
      const p = pick(typedPaths(), m.pick) ?? [];
      const allowed = typesOf((p.length ? schemaAt(bodySchema ?? undefined, p) : bodySchema) ?? {});
      const candidates = JUNK.filter((j) => !typesOfValue(j).some((t) => allowed.has(t)));
      const v = allowed.has('any') || candidates.length === 0 ? 42 : pick(candidates, m.n);
      d.body = setAt(d.body, p, v);
      d.tags.push(
        `body.wrongType(${showPath(p)}=${v instanceof RawJson ? v.text : JSON.stringify(v)})`,
      );
      return;
    }
    case 'number': {
      const nums = pathsOf(d.body).filter((p) => typeof getAt(d.body, p) === 'number');
      const p = pick(nums, m.pick);
      if (!p) return;
      d.body = setAt(d.body, p, new RawJson(m.raw));
      d.tags.push(`body.number(${showPath(p)}=${m.raw})`);
      return;
    }
    case 'extra':
      if (isObj(d.body)) {
        d.body[m.name] = m.value;
        d.tags.push(`body.extraField(${short(m.name, 20)})`);
      }
      return;
    case 'proto':
      d.protoKeys.push(m.v);
      d.tags.push(`body.${m.v}`);
      return;
    case 'ctrl': {
      const p = pick(strings(), m.pick);
      if (!p) return;
      const s = getAt(d.body, p) as string;
      const mid = Math.floor(s.length / 2);
      const v =
        m.where === 'only'
          ? m.ch
          : m.where === 'start'
            ? m.ch + s
            : m.where === 'end'
              ? s + m.ch
              : s.slice(0, mid) + m.ch + s.slice(mid);
      d.body = setAt(d.body, p, v);
      d.tags.push(
        `body.controlChar(${showPath(p)} U+${m.ch.charCodeAt(0).toString(16).padStart(4, '0')} ${m.where})`,
      );
      return;
    }
    case 'payload': {
      const p = pick(strings(), m.pick);
      if (!p) return;
      d.body = setAt(d.body, p, m.text);
      d.tags.push(`body.payload(${showPath(p)}=${short(m.text, 24)})`);
      return;
    }
    case 'huge': {
      // A string field; with none in this body, a field (or the body) becomes the huge string.
      const p = pick(strings(), m.pick) ?? pick(typedPaths(), m.pick) ?? [];
      const max = schemaAt(bodySchema ?? undefined, p)?.maxLength ?? 200;
      const size = m.size === 'over' ? max + 1 : m.size;
      // One code point repeated: `size` characters as the schema counts them.
      d.body = setAt(d.body, p, m.ch.repeat(size));
      d.tags.push(`body.huge(${showPath(p)} ${size}×${JSON.stringify(m.ch)})`);
      return;
    }
    case 'hugeArray': {
      const arrays = pathsOf(d.body).filter((p) => Array.isArray(getAt(d.body, p)));
      const p = pick(arrays, m.pick);
      if (!p) return;
      const arr = getAt(d.body, p) as unknown[];
      const max = schemaAt(bodySchema ?? undefined, p)?.maxItems ?? 100;
      const size = m.size === 'over' ? max + 1 : m.size;
      // Copies of a small first item (one another mutation made huge would be far too big).
      const first = arr[0];
      const small = first !== undefined && serialize(first).length <= 200;
      d.body = setAt(
        d.body,
        p,
        // Copies, not one shared object: a later mutation of one item must not touch them all.
        Array.from({ length: size }, (_, i) => (small ? structuredClone(first) : `x${i}`)),
      );
      d.tags.push(`body.hugeArray(${showPath(p)} ${size})`);
      return;
    }
    case 'deep': {
      const p = m.pick < 0 ? [] : (pick(typedPaths(), m.pick) ?? []);
      const text =
        m.shape === 'array'
          ? '['.repeat(m.depth) + ']'.repeat(m.depth)
          : '{"a":'.repeat(m.depth) + '1' + '}'.repeat(m.depth);
      d.body = setAt(d.body, p, new RawJson(text));
      d.tags.push(`body.deep(${showPath(p)} ${m.depth} ${m.shape}s)`);
      return;
    }
    case 'body': {
      const json = Buffer.from(d.body === undefined ? '{"a":1}' : serialize(d.body));
      const t = json.toString('utf8');
      const bodies: Record<WholeBody, () => Buffer> = {
        truncated: () => json.subarray(0, Math.max(1, json.length - 1)),
        trailingComma: () => Buffer.from(t.endsWith('}') ? `${t.slice(0, -1)},}` : `${t},`),
        singleQuotes: () => Buffer.from(t.includes('"') ? t.replaceAll('"', "'") : "{'a':'b'}"),
        nan: () => Buffer.from('NaN'),
        concat: () => Buffer.concat([json, json]),
        bom: () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]),
        empty: () => Buffer.alloc(0),
        whitespace: () => Buffer.from(' \n\t '),
        array: () => Buffer.from(`[${t}]`),
        string: () => Buffer.from(JSON.stringify(t)),
        number: () => Buffer.from('42'),
        true: () => Buffer.from('true'),
        null: () => Buffer.from('null'),
        comment: () => Buffer.from(`/* c */${t}`),
        invalidUtf8: () => Buffer.concat([Buffer.from([0xff, 0xfe, 0xc0]), json]),
        utf16: () => Buffer.from(t, 'utf16le'),
        dupKeys: () =>
          Buffer.from(
            t.startsWith('{"') ? t.replace('{', `{${t.slice(1, t.indexOf(':'))}:"dup",`) : t,
          ),
        random: () => Buffer.from(m.text),
      };
      d.bodyText = bodies[m.v]();
      d.tags.push(`body:${m.v}`);
      return;
    }
    case 'ctype':
      d.contentType = m.v;
      if (d.body === undefined && d.bodyText === null) d.body = {};
      d.tags.push(`content-type:${m.v}`);
      return;
    case 'tooLarge':
      d.bodyText = Buffer.from(`{"x":"${'a'.repeat(ctx.bodyLimit + 16)}"}`);
      d.oversize = true;
      d.tags.push(`body:tooLarge(${ctx.bodyLimit + 24} bytes)`);
      return;
    case 'param': {
      const names = pathParams(op).map((p) => p.name);
      const name = pick(names, m.pick)!;
      const kind = idKindOf(name, op);
      const variants: Record<ParamVariant, () => { text: string; raw: boolean }> = {
        unknown: () => ({ text: m.uuid, raw: false }),
        foreign: () => ({ text: idOfKind(fx, kind, m.n), raw: false }),
        sql: () => ({ text: pick(SQL_IDS, m.n)!, raw: false }),
        nul: () => ({ text: pick(['%00', 'a%00b', `${m.uuid}%00`], m.n)!, raw: true }),
        traversal: () => ({ text: pick(TRAVERSALS, m.n)!, raw: true }),
        long: () => ({ text: 'a'.repeat(pick([65, 101, 1000, 7000], m.n)!), raw: false }),
        badPct: () => ({ text: pick(BAD_PCT, m.n)!, raw: true }),
        empty: () => ({ text: '', raw: true }),
        unicode: () => ({ text: pick(UNICODE_IDS, m.n)!, raw: false }),
        script: () => ({ text: pick(PAYLOADS, m.n)!, raw: false }),
        ctrl: () => ({ text: pick(CONTROL_CHARS, m.n)!, raw: false }),
        number: () => ({
          text: pick(['0', '-1', '1e309', 'NaN', 'null', 'undefined'], m.n)!,
          raw: false,
        }),
      };
      const v = variants[m.v]();
      d.pathValues[name] = v;
      d.tags.push(`param.${m.v}(${name}=${short(v.raw ? v.text : encodeLoose(v.text), 30)})`);
      return;
    }
    case 'cursor': {
      const other = fx.cursors.filter((c) => c.op !== op.key);
      const value = {
        random: () => Buffer.from(m.bytes).toString('base64url'),
        garbage: () => pick(CURSOR_GARBAGE, m.n)!,
        foreign: () => pick(other, m.n)!.cursor,
        forged: () => forgeCursor(fx, m.n),
        long: () => 'A'.repeat(513 + (m.n % 2000)),
      }[m.v]();
      d.query = d.query.filter(([k]) => k !== 'cursor');
      d.query.push(['cursor', encodeLoose(value)]);
      d.tags.push(`cursor:${m.v}(${short(value, 30)})`);
      return;
    }
    case 'limit':
      d.query = d.query.filter(([k]) => k !== 'limit');
      d.query.push(['limit', encodeLoose(m.v)]);
      d.tags.push(`limit=${JSON.stringify(m.v)}`);
      return;
    case 'enum': {
      const enums = queryParams(op).filter((p) =>
        alternatives(p.schema).every((a) => a.enum || a.const !== undefined),
      );
      const p = pick(enums, m.pick)!;
      d.query = d.query.filter(([k]) => k !== p.name);
      d.query.push([p.name, m.v === '%00' ? m.v : encodeLoose(m.v)]);
      d.tags.push(`query.badEnum(${p.name}=${JSON.stringify(m.v)})`);
      return;
    }
    case 'dropQuery': {
      const req = queryParams(op).filter((p) => p.required);
      const p = pick(req, m.pick)!;
      d.query = d.query.filter(([k]) => k !== p.name);
      d.tags.push(`query.drop(${p.name})`);
      return;
    }
    case 'dupQuery': {
      const present = d.query.map(([k]) => k);
      const names = present.length ? present : queryParams(op).map((p) => p.name);
      const name = pick(names, m.pick)!;
      const existing = d.query.find(([k]) => k === name)?.[1] ?? '1';
      d.query.push([name, existing === '1' ? '2' : '1']);
      d.tags.push(`query.duplicate(${name})`);
      return;
    }
    case 'extraQuery':
      d.query.push([encodeLoose(m.name), m.v]);
      d.tags.push(`query.extra(${short(m.name, 20)})`);
      return;
    case 'queryText': {
      const names = queryParams(op).map((p) => p.name);
      const name = pick(names, m.pick)!;
      d.query = d.query.filter(([k]) => k !== name);
      d.query.push([name, m.v]);
      d.tags.push(`query.text(${name}=${short(m.v, 24)})`);
      return;
    }
    case 'header': {
      const h: Record<HeaderVariant, [string, string]> = {
        oversize: ['x-pad', 'a'.repeat(20_000 + (m.n % 50_000))],
        acceptLanguage: [
          'accept-language',
          pick(
            ['*;q=abc', 'zh-CN;q=2, en;q=-1', 'x'.repeat(5000), ';;;,,,', 'en-US-x-private-0123'],
            m.n,
          )!,
        ],
        requestId: [
          'x-request-id',
          pick(['<script>', 'a'.repeat(100), '../..', 'id with space', '%00'], m.n)!,
        ],
        origin: [
          'origin',
          pick(['https://evil.example', 'null', 'http://127.0.0.1.evil.example'], m.n)!,
        ],
        referer: ['referer', 'https://evil.example/attack.html'],
        forwardedFor: [
          'x-forwarded-for',
          pick(['1.2.3.4', '127.0.0.1, 10.0.0.1', 'garbage'], m.n)!,
        ],
        host: ['host', pick(['evil.example', 'a'.repeat(300), '127.0.0.1:1'], m.n)!],
        contentEncoding: ['content-encoding', pick(['gzip', 'br', 'deflate, gzip', 'bogus'], m.n)!],
        acceptHtml: [
          'accept',
          pick(['text/html', 'application/xml', '*/*;q=0', 'image/png'], m.n)!,
        ],
      };
      const [name, value] = h[m.v];
      d.headers = d.headers.filter(([k]) => k !== name);
      d.headers.push([name, value]);
      if (m.v === 'oversize') d.oversize = true;
      d.tags.push(`header.${m.v}(${short(value, 24)})`);
      return;
    }
    case 'idem':
      d.idem = m.v;
      d.tags.push(`idempotency-key:${m.v}`);
      return;
    case 'method': {
      const here = new Set(ctx.operations.filter((o) => o.path === op.path).map((o) => o.method));
      const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((x) => !here.has(x));
      d.method = pick(others, m.n)!;
      d.tags.push(`method:${d.method}`);
      return;
    }
    case 'url':
      d.url = m.v;
      d.tags.push(`url:${m.v}`);
      return;
  }
}

const CONTENT_TYPES: Record<ContentType | 'json', string[]> = {
  json: ['application/json'],
  'text/plain': ['text/plain'],
  form: ['application/x-www-form-urlencoded'],
  xml: ['application/xml'],
  multipart: ['multipart/form-data; boundary=x'],
  none: [],
  empty: [''],
  bogus: ['foo'],
  'vnd+json': ['application/vnd.api+json'],
  'json-patch': ['application/json-patch+json'],
  'charset-utf8': ['application/json; charset=utf-8'],
  'charset-latin1': ['application/json; charset=iso-8859-1'],
  upper: ['Application/JSON'],
  params: ['application/json; foo=bar'],
  dup: ['application/json', 'text/plain'],
};

/** The bytes of one request, with the session and keys of this moment. */
export function materialize(desc: Descriptor, ctx: Context, state: SendState): WireRequest {
  const { op } = desc;
  const { fx } = ctx;
  const query: Record<string, unknown> = structuredClone(desc.query);
  const body = structuredClone(desc.body);
  const pathValues: Record<string, unknown> = structuredClone(desc.pathValues);
  fixUp(op, body, query, pathValues, fx);
  const d: Draft = {
    method: op.method,
    pathValues: Object.fromEntries(
      Object.entries(pathValues).map(([k, v]) => [k, { text: toText(v), raw: false }]),
    ),
    query: Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, encodeLoose(toText(v))]),
    headers: [],
    auth: desc.anonymous ? 'anon' : 'actor',
    authN: desc.actor,
    body,
    bodyText: null,
    protoKeys: [],
    contentType: 'json',
    idem: op.money ? 'fresh' : 'absent',
    url: null,
    tags: [],
    oversize: false,
  };
  // Changes to the structure first, then those that write the body's bytes from it.
  const textual = (m: Mutation) => m.k === 'body' || m.k === 'tooLarge';
  for (const m of desc.mutations.filter((x) => !textual(x))) applyMutation(d, m, desc, ctx);
  for (const m of desc.mutations.filter(textual)) applyMutation(d, m, desc, ctx);

  // The target.
  let path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = d.pathValues[name];
    if (!v) return 'x';
    return v.raw ? v.text : encodeLoose(v.text);
  });
  switch (d.url) {
    case 'trailingSlash':
      path += '/';
      break;
    case 'doubleSlash':
      path = `/${path}`;
      break;
    case 'upper':
      path = path.replace(/^\/[a-z]+/, (seg) => seg.toUpperCase());
      break;
    case 'dotSegment':
      path = path.replace(/^\/[^/]+/, (seg) => `${seg}/.`);
      break;
    case 'fragment':
      break;
    case 'semicolon':
      path += ';jsessionid=1';
      break;
    case 'encodedChar':
      path = path.replace('/api/', '/%61pi/');
      break;
    case null:
      break;
  }
  const qs = d.query.map(([k, v]) => `${k}=${v}`).join('&');
  const target =
    (qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path) +
    (d.url === 'fragment' ? '#frag' : '');

  // Session.
  const headers: [string, string][] = [];
  const actorUser = fx.users[d.authN % fx.users.length]!;
  const isLogout = op.path === '/api/v1/auth/logout';
  // A log-out ends the session it names: only throwaway sessions may be ended.
  const validToken = (t: string) => (isLogout ? (state.disposable.shift() ?? 'spent-pool') : t);
  let actor: string | null = null;
  switch (d.auth) {
    case 'actor':
      headers.push(['authorization', `Bearer ${validToken(actorUser.token)}`]);
      actor = actorUser.name;
      break;
    case 'otherUser': {
      const other = fx.users[(d.authN + 1) % fx.users.length]!;
      headers.push(['authorization', `Bearer ${validToken(other.token)}`]);
      actor = other.name;
      break;
    }
    case 'lowercase':
      headers.push(['authorization', `bearer ${validToken(actorUser.token)}`]);
      actor = actorUser.name;
      break;
    case 'cookie':
      headers.push(['cookie', `quanzi_session=${validToken(actorUser.token)}`]);
      actor = actorUser.name;
      break;
    case 'cookieInvalid':
      headers.push(['cookie', 'quanzi_session=stale-or-forged-token']);
      break;
    case 'invalid':
      headers.push([
        'authorization',
        `Bearer ${Buffer.from(`forged-${d.authN}`).toString('base64url')}`,
      ]);
      break;
    case 'longToken':
      headers.push(['authorization', `Bearer ${'A'.repeat(4000 + (d.authN % 4000))}`]);
      break;
    case 'malformed':
      headers.push([
        'authorization',
        pick(
          ['Bearer', 'Bearer ', `Bearer a b`, 'Basic dXNlcjpwYXNz', 'Token abc', 'Bearer\t'],
          d.authN,
        )!,
      ]);
      break;
    case 'anon':
      break;
  }

  // Idempotency-Key.
  if (op.money) {
    const reuse = fx.usedKeys.find((k) => k.user === d.authN % fx.users.length)?.key ?? 'fuzz-k';
    const keys: Record<IdemVariant | 'fresh' | 'absent', string[]> = {
      fresh: [desc.idemKey],
      absent: [],
      none: [],
      reuse: [reuse],
      long: ['k'.repeat(129)],
      nonAscii: ['cl\u00e9-\u00ff'],
      empty: [''],
      spaces: ['a key'],
      dup: [desc.idemKey, `${desc.idemKey}-2`],
    };
    for (const k of keys[d.idem]) headers.push(['idempotency-key', k]);
  }

  // Body.
  let bodyBuf: Buffer | undefined;
  if (d.bodyText) bodyBuf = d.bodyText;
  else if (d.body !== undefined) {
    let text = serialize(d.body);
    if (d.protoKeys.length && text.startsWith('{')) {
      const inject = d.protoKeys
        .map((k) =>
          k === '__proto__'
            ? '"__proto__":{"isAdmin":true}'
            : '"constructor":{"prototype":{"isAdmin":true}}',
        )
        .join(',');
      text = `{${inject}${text === '{}' ? '' : ','}${text.slice(1)}`;
    }
    bodyBuf = Buffer.from(text, 'utf8');
  }
  if (bodyBuf) {
    for (const ct of CONTENT_TYPES[d.contentType]) headers.push(['content-type', ct]);
    if (d.contentType === 'form' && !d.bodyText) bodyBuf = Buffer.from('a=1&b=%00&c[]=x');
    if (d.contentType === 'xml' && !d.bodyText)
      bodyBuf = Buffer.from('<?xml version="1.0"?><a>1</a>');
  }
  state.seq++;
  headers.push(['x-request-id', `fz-${state.seq}`]);
  for (const h of d.headers) {
    if (h[0] === 'x-request-id') {
      const i = headers.findIndex(([k]) => k === 'x-request-id');
      headers.splice(i, 1);
    }
    headers.push(h);
  }
  return {
    op: op.key,
    method: d.method,
    target,
    headers,
    body: bodyBuf,
    hostile: desc.hostile,
    tags: d.tags,
    oversize: d.oversize,
    actor,
  };
}
