/**
 * The fuzzer's vocabulary: what a generated request is (a descriptor of a valid request plus
 * mutations), the hostile values mutations use, and helpers to walk and write JSON bodies.
 */
import fc from 'fast-check';
import type { Fixtures } from './fixtures-types.ts';
import { alternatives, type Operation, type Schema } from './openapi.ts';
/** A JSON fragment written into the body verbatim (1e309, deep nesting). */
export class RawJson {
  constructor(readonly text: string) {}
}

export type Path = (string | number)[];

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

export const CONTROL_CHARS = [
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
export const controlChar = fc.oneof(
  { weight: 3, arbitrary: fc.constant('\u0000') },
  { weight: 2, arbitrary: fc.constantFrom('\ud800', '\udfff') },
  { weight: 4, arbitrary: fc.constantFrom(...CONTROL_CHARS) },
);
export const PAYLOADS = [
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
export const NUMBERS_RAW = [
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
export const JUNK: unknown[] = [
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
export const SQL_IDS = [
  "' OR 1=1--",
  "1' OR '1'='1",
  '1;DROP TABLE users',
  "'||pg_sleep(5)||'",
  '*',
];
export const BAD_PCT = ['%E0%A4%A', '%', '%zz', '%C0%AF', '%ED%A0%80', '%FF', 'a%2', '%%30'];
export const TRAVERSALS = [
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e',
  '..',
  '.',
];
export const UNICODE_IDS = ['中文', '😀', 'İ', 'e\u0301', '\u202eabc', 'Ⅻ', '１２３'];
export const CURSOR_GARBAGE = ['!!!', '====', 'a', '😀', '%00', 'null', 'W10', 'WyJ4Il0'];
export const LIMITS = [
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

export function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RawJson);
}

/** Every path into a value (not the root), depth first. */
export function pathsOf(v: unknown, base: Path = []): Path[] {
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

export function getAt(v: unknown, p: Path): unknown {
  let cur = v;
  for (const seg of p) cur = (cur as Record<string | number, unknown>)?.[seg];
  return cur;
}

/** Returns the new root (the root itself is replaced when the path is empty). */
export function setAt(root: unknown, p: Path, value: unknown): unknown {
  if (p.length === 0) return value;
  const parent = getAt(root, p.slice(0, -1)) as Record<string | number, unknown>;
  parent[p[p.length - 1]!] = value;
  return root;
}

export function deleteAt(root: unknown, p: Path): void {
  const parent = getAt(root, p.slice(0, -1));
  const last = p[p.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isObj(parent)) delete parent[last as string];
}

/** Required properties present in the value, at any depth. */
export function requiredPaths(s: Schema | null, v: unknown, base: Path = []): Path[] {
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
export function typesOfValue(v: unknown): string[] {
  if (v instanceof RawJson) return ['number'];
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['number', 'integer'] : ['number'];
  return [typeof v];
}

export const pick = <T>(xs: readonly T[], n: number): T | undefined =>
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
export function serialize(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  if (isObj(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const short = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n)}…(${s.length})` : s);
export const showPath = (p: Path) => (p.length ? p.join('.') : '<body>');

export interface Context {
  fx: Fixtures;
  operations: Operation[];
  bodyLimit: number;
}

export const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function queryParams(op: Operation) {
  return op.params.filter((p) => p.in === 'query');
}
export function pathParams(op: Operation) {
  return op.params.filter((p) => p.in === 'path');
}
