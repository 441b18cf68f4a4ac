/**
 * Hostile requests built from the OpenAPI operations: a valid request first (values from the
 * schemas, ids of real fixture objects, a real session), then mutations that break one thing at
 * a time — a field's type, a missing field, a huge or deeply nested value, control characters,
 * a bad id or cursor, the wrong content type, malformed JSON, a bad token, a missing
 * Idempotency-Key — so that most requests get deep into validation and the services.
 *
 * fast-check generates plain descriptors (small: a 100k-character string is "size 100000",
 * not the string); `materialize()` (materialize.ts) turns one into the bytes on the wire.
 */
import fc from 'fast-check';
import {
  BAD_PCT,
  BODY_METHODS,
  controlChar,
  encodeLoose,
  LIMITS,
  NUMBERS_RAW,
  PAYLOADS,
  pathParams,
  queryParams,
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
} from './model.ts';
import { alternatives, type Operation } from './openapi.ts';
import { valueArb } from './values.ts';

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
