import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM interop.
const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule;

const base: Options = { allErrors: true, removeAdditional: true, useDefaults: true, strict: false };

/**
 * JSON bodies are validated as sent: 42 is not a string. Query strings and path parameters are
 * text by nature, so there numbers and booleans are coerced ("limit=20" → 20).
 */
const bodyAjv = addFormats(new Ajv({ ...base, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));

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
