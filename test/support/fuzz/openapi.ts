/**
 * The fuzzer's view of the API: every operation of the server's own OpenAPI document, with its
 * parameter and body schemas, and the few facts about it the request generators need.
 */

/** The subset of JSON Schema the routes use (TypeBox output); unknown keywords are ignored. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  additionalProperties?: boolean | Schema;
  $ref?: string;
}

export interface Param {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  /** "POST /api/v1/groups/{id}/join": what the run counts as a route. */
  key: string;
  method: string;
  /** The path template, e.g. /api/v1/groups/{id}/join. */
  path: string;
  params: Param[];
  body: Schema | null;
  /** Whether the document lists security requirements (a session is required). */
  secured: boolean;
  /** Moves money: sometimes sent with, sometimes without an Idempotency-Key. */
  money: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}
interface OpenApiOperation {
  parameters?: { name: string; in: Param['in']; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Routes the HTTP fuzzer leaves alone, and why (printed with the run). */
export const SKIPPED_ROUTES: { match: (path: string) => boolean; why: string }[] = [
  {
    match: (p) => p === '/api/v1/stream',
    why: 'WebSocket upgrade: covered by the concurrent frame barrage instead',
  },
  { match: (p) => p === '/docs' || p.startsWith('/docs/'), why: 'static Swagger UI files' },
];

/** Money routes whose handlers read an Idempotency-Key even where the document does not say. */
const MONEY_PATHS = [
  /^\/api\/v1\/wallet\/topup$/,
  /^\/api\/v1\/bills\/\{id\}\/pay$/,
  /^\/api\/v1\/activities\/\{id\}\/(signup|cancel)$/,
];

/** Resolves local `$ref`s (none today, but the document may grow them). */
function resolver(doc: OpenApiDocument) {
  const resolve = (s: Schema | undefined): Schema | undefined => {
    if (!s) return s;
    if (s.$ref) {
      const name = s.$ref.replace('#/components/schemas/', '');
      return resolve(doc.components?.schemas?.[name]);
    }
    const out: Schema = { ...s };
    if (s.properties) {
      out.properties = Object.fromEntries(
        Object.entries(s.properties).map(([k, v]) => [k, resolve(v)!]),
      );
    }
    if (s.items) out.items = resolve(s.items);
    for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
      if (s[k]) out[k] = s[k].map((x) => resolve(x)!);
    }
    return out;
  };
  return resolve;
}

/** Every operation in the document, and the document paths that were skipped. */
export function operationsOf(doc: OpenApiDocument): {
  operations: Operation[];
  skipped: { key: string; why: string }[];
} {
  const resolve = resolver(doc);
  const operations: Operation[] = [];
  const skipped: { key: string; why: string }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const key = `${m.toUpperCase()} ${path}`;
      const skip = SKIPPED_ROUTES.find((s) => s.match(path));
      if (skip) {
        skipped.push({ key, why: skip.why });
        continue;
      }
      const params: Param[] = (op.parameters ?? []).map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required === true || p.in === 'path',
        schema: resolve(p.schema) ?? {},
      }));
      const json = op.requestBody?.content?.['application/json']?.schema;
      operations.push({
        key,
        method: m.toUpperCase(),
        path,
        params,
        body: resolve(json) ?? null,
        secured: (op.security ?? []).length > 0,
        money:
          params.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key') ||
          MONEY_PATHS.some((re) => re.test(path)),
      });
    }
  }
  return { operations, skipped };
}

/** The schemas a value may match (anyOf/oneOf flattened). */
export function alternatives(s: Schema): Schema[] {
  const alts = s.anyOf ?? s.oneOf;
  return alts ? alts.flatMap(alternatives) : [s];
}

/** The JSON types a schema admits ('integer' admits whole numbers only). */
export function typesOf(s: Schema): Set<string> {
  const out = new Set<string>();
  for (const a of alternatives(s)) {
    if (a.const !== undefined || a.enum) {
      for (const v of a.enum ?? [a.const]) out.add(v === null ? 'null' : typeof v);
      continue;
    }
    const t = a.type;
    if (!t) return new Set(['any']);
    for (const x of [t].flat()) out.add(x);
  }
  return out;
}

/** The schema at a path into a body value (object keys and array indexes). */
export function schemaAt(s: Schema | undefined, path: (string | number)[]): Schema | undefined {
  let cur = s;
  for (const seg of path) {
    if (!cur) return undefined;
    const alts = alternatives(cur);
    const next: Schema | undefined =
      typeof seg === 'number'
        ? alts.find((a) => a.items)?.items
        : alts.find((a) => a.properties?.[seg])?.properties?.[seg];
    cur = next;
  }
  return cur;
}
