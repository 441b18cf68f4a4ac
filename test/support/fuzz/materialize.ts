/**
 * From descriptor to wire: applies a request's mutations to its valid parts and writes the bytes
 * (target, headers, body) with the sessions and keys of the moment.
 */
import type { Fixtures, IdKind } from './fixtures-types.ts';
import {
  BAD_PCT,
  CONTROL_CHARS,
  CURSOR_GARBAGE,
  deleteAt,
  encodeLoose,
  getAt,
  isObj,
  JUNK,
  PAYLOADS,
  pathParams,
  pathsOf,
  pick,
  queryParams,
  RawJson,
  requiredPaths,
  serialize,
  setAt,
  short,
  showPath,
  SQL_IDS,
  TRAVERSALS,
  typesOfValue,
  UNICODE_IDS,
  type AuthVariant,
  type ContentType,
  type Context,
  type Descriptor,
  type HeaderVariant,
  type IdemVariant,
  type Mutation,
  type ParamVariant,
  type UrlVariant,
  type WholeBody,
  type WireRequest,
} from './model.ts';
import { alternatives, schemaAt, typesOf } from './openapi.ts';
import { fixUp, idKindOf } from './values.ts';

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
