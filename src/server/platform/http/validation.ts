import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM interop.
const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule;

const base: Options = { allErrors: true, useDefaults: true, strict: false };

/**
 * JSON bodies are validated as sent: 42 is not a string, and a field the schema does not name is
 * an error (see refuseUnknownFields), never silently dropped. Query strings and path parameters
 * are text by nature, so there numbers and booleans are coerced ("limit=20" → 20); unknown query
 * parameters are ignored (cache busters and the like are harmless there).
 */
const bodyAjv = addFormats(new Ajv({ ...base, removeAdditional: false, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ ...base, removeAdditional: true, coerceTypes: 'array' }));

/** Keywords whose values are data, not schemas. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example']);

/**
 * A copy of a body schema in which every object schema that does not say otherwise refuses
 * properties it does not name (`additionalProperties: false`): an unknown field — a typo, or a
 * field that cannot be changed, like a PATCH of `priceFen` — is a 400 naming it, instead of a
 * success that quietly ignored it. Applied to every route's body in app.ts (onRoute), so the
 * OpenAPI document shows it too. Schemas are copied because TypeBox schemas are shared with
 * responses.
 */
export function refuseUnknownFields<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s: unknown) => refuseUnknownFields(s)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = DATA_KEYWORDS.has(key) ? value : refuseUnknownFields(value);
  }
  if (
    out.type === 'object' &&
    !('additionalProperties' in out) &&
    !('patternProperties' in out) &&
    !('unevaluatedProperties' in out)
  ) {
    out.additionalProperties = false;
  }
  return out as T;
}

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  if (httpPart !== 'body') return textAjv.compile(schema);
  const validate = bodyAjv.compile(schema);
  // A POST without a body (e.g. "join") is validated as an empty object, so optional-only
  // bodies need none and required fields are reported by name instead of "must be object".
  const check = (data: unknown) => {
    const value = data ?? {};
    const ok = validate(value);
    check.errors = validate.errors;
    return ok ? { value } : false;
  };
  check.errors = null as typeof validate.errors;
  return check;
};
