/**
 * Valid values from the schemas: what a well-behaved client would send, using the ids of real
 * fixture objects, so that mutated requests get past validation into the services.
 */
import fc from 'fast-check';
import type { Fixtures, IdKind } from './fixtures-types.ts';
import { alternatives, type Operation, type Schema } from './openapi.ts';

const DAY = 86_400_000;

/** Where a value sits: its field name and the operation (which decides what an `id` is). */
export interface Hint {
  name: string;
  op: Operation;
  fx: Fixtures;
}

const TEXT_UNIT = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,!?@#'.split(''),
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...'爬山周末活动小组测试羽毛球读书会摄影美食上海你好'.split('')),
  },
  { weight: 1, arbitrary: fc.constantFrom('😀', '🎉', '👍', 'é', 'ß', '\n', '\t') },
);

const codePoints = (s: string) => [...s].length;

/** Readable text of min…max code points (kept short: long values are a mutation's job). */
function text(min: number, max: number, pattern?: string): fc.Arbitrary<string> {
  const re = pattern ? new RegExp(pattern) : null;
  return fc
    .string({ unit: TEXT_UNIT, minLength: min, maxLength: Math.max(min, Math.min(max, min + 24)) })
    .filter(
      (s) => codePoints(s) >= min && codePoints(s) <= max && s.trim().length >= Math.min(min, 1),
    )
    .filter((s) => !re || re.test(s));
}

/** A time 3–60 days ahead (never inside the run, so no reminder or completion comes due). */
export const futureIso = fc
  .integer({ min: 3 * 24, max: 60 * 24 })
  .map((h) => new Date(Date.now() + h * 3_600_000).toISOString());

/** What kind of object an id-valued field names. */
export function idKindOf(name: string, op: Operation): IdKind | null {
  if (name === 'id') {
    const m = /\/([a-z]+)\/\{id\}/.exec(op.path);
    const seg = m?.[1];
    const bySeg: Record<string, IdKind> = {
      users: 'user',
      groups: 'group',
      threads: 'thread',
      posts: 'post',
      activities: 'activity',
      bills: 'bill',
      conversations: 'conversation',
      reports: 'report',
    };
    return (seg && bySeg[seg]) || null;
  }
  const byName: Record<string, IdKind> = {
    userId: 'user',
    userIds: 'user',
    groupId: 'group',
    groups: 'group',
    activityId: 'activity',
    replyToId: 'post',
    threadId: 'thread',
    interest: 'interest',
    interestIds: 'interest',
    ids: 'notification',
  };
  return byName[name] ?? null;
}

function idArb(kind: IdKind, fx: Fixtures): fc.Arbitrary<string> {
  const real = fx.ids[kind];
  if (real.length === 0) return fc.uuid({ version: 7 });
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...real) },
    { weight: 1, arbitrary: fc.uuid({ version: 7 }) },
  );
}

function stringArb(s: Schema, h: Hint): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 200;
  const { fx, name } = h;
  const targets = fx.targets[h.op.key]?.[name];
  if (targets?.length) {
    return fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...targets) },
      { weight: 1, arbitrary: fc.uuid({ version: 7 }) },
    );
  }
  const kind = idKindOf(name, h.op);
  if (kind) return idArb(kind, fx);
  if (name === 'types') return fc.constantFrom(...fx.notificationTypes, 'post.replied');
  if (name === 'pin' || name === 'oldPin') return fc.constant(fx.pin);
  if (name === 'password' && max >= fx.password.length) {
    return fc.oneof(
      { weight: 4, arbitrary: fc.constant(fx.password) },
      { weight: 1, arbitrary: text(Math.max(min, 8), max) },
    );
  }
  if (name === 'username' && h.op.path.endsWith('/login')) {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...fx.users.map((u) => u.username)) },
      { weight: 1, arbitrary: text(min, max) },
    );
  }
  if (name === 'q') return fc.constantFrom(...fx.words);
  if (name === 'avatarUrl') {
    return fc.constantFrom('https://img.example.com/a.png', 'http://example.cn/avatar.jpg');
  }
  if (s.format === 'date-time') return futureIso;
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    // Printable-text patterns take readable text; others (PIN, username, URL) their own shape.
    if (/^\^\[\^.*\]\*\$$/.test(s.pattern)) return text(min, max, s.pattern);
    return fc
      .stringMatching(re, { maxLength: Math.min(max, 64) })
      .filter((v) => codePoints(v) >= min && codePoints(v) <= max);
  }
  return text(min, max);
}

function numberArb(s: Schema, h: Hint, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : -1000);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum : 1_000_000);
  if (h.name === 'lat') return fc.double({ min: 31.0, max: 31.4, noNaN: true });
  if (h.name === 'lng') return fc.double({ min: 121.2, max: 121.7, noNaN: true });
  if (!integer) {
    return fc
      .double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true })
      .filter((v) => (s.exclusiveMinimum === undefined || v > s.exclusiveMinimum) && v <= hi);
  }
  const min = Math.ceil(s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : lo);
  const max = Math.floor(hi);
  // Mostly small, plausible amounts (a funded wallet can pay them); sometimes the full range.
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min, max: Math.min(max, min + 3000) }) },
    { weight: 1, arbitrary: fc.integer({ min, max }) },
  );
}

/** A value that matches the schema (most of the time: semantic rules are the services'). */
export function valueArb(s: Schema, h: Hint): fc.Arbitrary<unknown> {
  const alts = alternatives(s);
  if (alts.length > 1) {
    return fc.oneof(
      ...alts.map((a) => ({ weight: a.type === 'null' ? 1 : 4, arbitrary: valueArb(a, h) })),
    );
  }
  const a = alts[0]!;
  if (a.const !== undefined) return fc.constant(a.const);
  if (a.enum) return fc.constantFrom(...a.enum);
  const type: string = [a.type ?? 'any'].flat()[0] ?? 'any';
  switch (type) {
    case 'string':
      return stringArb(a, h);
    case 'integer':
      return numberArb(a, h, true);
    case 'number':
      return numberArb(a, h, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = valueArb(a.items ?? {}, h);
      const minLength = a.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(a.maxItems ?? 5, minLength + 3));
      return a.uniqueItems
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(item, { minLength, maxLength });
    }
    case 'object': {
      const props = a.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(props).map(([k, v]) => [k, valueArb(v, { ...h, name: k })]),
      );
      const requiredKeys = (a.required ?? []).filter((k) => k in props);
      const min = a.minProperties ?? 0;
      return fc
        .record(model, { requiredKeys })
        .filter((o) => Object.keys(o).length >= min) as fc.Arbitrary<unknown>;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * Makes generated values agree with each other where the services check more than the schema
 * (an activity ends after it starts; a custom bill's shares add up), so they get further.
 */
export function fixUp(
  op: Operation,
  body: unknown,
  query: Record<string, unknown>,
  pathValues: Record<string, unknown>,
  fx: Fixtures,
): void {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.replyToId === 'string' && op.path === '/api/v1/threads/{id}/posts') {
      const opening = fx.openingPost[String(pathValues.id)];
      if (opening) b.replyToId = opening;
      else delete b.replyToId;
    }
    // Who may message me: left open, or the conversations of the run would close one by one.
    if (typeof b.messagePolicy === 'string') b.messagePolicy = 'everyone';
    if (typeof b.startsAt === 'string') {
      const start = Date.parse(b.startsAt);
      if (typeof b.endsAt === 'string') b.endsAt = new Date(start + 2 * 3_600_000).toISOString();
      if (typeof b.signupDeadline === 'string') {
        b.signupDeadline = new Date(start - 3_600_000).toISOString();
      }
    }
    if (op.key === 'POST /api/v1/bills') {
      // Exactly one of activityId and groupId; an equal split names people, a custom one shares.
      if (b.activityId !== undefined && b.groupId !== undefined) delete b.groupId;
      if (b.activityId === undefined && b.groupId === undefined) b.activityId = fx.ids.activity[1];
      if (b.split === 'equal') delete b.shares;
      if (b.split === 'custom') delete b.userIds;
    }
    if (b.split === 'custom' && Array.isArray(b.shares)) {
      b.totalFen = (b.shares as { amountFen?: unknown }[]).reduce<number>(
        (sum, x) => sum + (typeof x.amountFen === 'number' ? x.amountFen : 0),
        0,
      );
    }
  }
  if (typeof query.from === 'string' && op.key === 'GET /api/v1/operator/figures') {
    // Days, not times: a range of a week ending on `from` + 6 (at most 92 days are allowed).
    const from = Date.parse(`${query.from}T00:00:00Z`);
    if (Number.isFinite(from)) query.to = new Date(from + 6 * DAY).toISOString().slice(0, 10);
  } else if (typeof query.from === 'string') {
    query.to = new Date(Date.parse(query.from) + 7 * DAY).toISOString();
  }
  // A cursor belongs to its list: the same filters it was made with.
  if (typeof query.cursor === 'string') {
    const made = fx.cursors.find((c) => c.op === op.key && c.cursor === query.cursor);
    if (made) {
      const { cursor, limit } = query;
      for (const k of Object.keys(query)) delete query[k];
      Object.assign(query, Object.fromEntries(made.query), { cursor, limit });
      Object.assign(pathValues, made.pathValues);
    }
  }
}
