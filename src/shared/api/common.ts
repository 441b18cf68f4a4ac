import { Type, type Static, type TSchema, type TString } from 'typebox';
import { errorCatalogue, type ErrorCode } from '../errors.ts';

/** Every code of the error catalogue (src/shared/errors.ts), in its order. */
const ERROR_CODES = Object.keys(errorCatalogue) as ErrorCode[];

/**
 * The one error shape of every 4xx and 5xx response. `code` is an enum of the catalogue's codes,
 * so the OpenAPI document lists them all (test/error-catalogue.test.ts checks it does).
 */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(ERROR_CODES, {
        description: 'Stable snake_case code from the error catalogue (src/shared/errors.ts)',
      }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse', title: 'ErrorResponse' },
);

/**
 * What text may never contain: C0 controls (NUL included), DEL, C1 controls (U+0080–U+009F)
 * and lone UTF-16 surrogates (U+D800–U+DFFF; a well-formed pair is one code point above U+FFFF
 * and is not matched). Ajv compiles patterns with the `u` flag, which is what makes the
 * surrogate range match only unpaired halves. PostgreSQL refuses NUL in text, and none of these
 * has any business in a title or a message.
 */
export const FORBIDDEN_CHARS = '\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff';
/** The same, minus tab, line feed and carriage return, which multi-line text may hold. */
const FORBIDDEN_CHARS_MULTILINE =
  '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ud800-\\udfff';
export const SINGLE_LINE_PATTERN = `^[^${FORBIDDEN_CHARS}]*$`;
export const MULTILINE_PATTERN = `^[^${FORBIDDEN_CHARS_MULTILINE}]*$`;

/**
 * Every free-text field of every request (body, query, path) is a Text: any script, emoji
 * welcome; no control characters or lone surrogates (400 invalid_input). Single-line by default;
 * `multiline` also allows tab, CR and LF (bodies, descriptions, bios, reasons, messages).
 * Lengths count code points.
 */
export function Text(opts: {
  minLength?: number;
  maxLength: number;
  multiline?: boolean;
  description?: string;
}): TString {
  const { multiline, ...rest } = opts;
  return Type.String({ ...rest, pattern: multiline ? MULTILINE_PATTERN : SINGLE_LINE_PATTERN });
}

export const Id = Text({ minLength: 1, maxLength: 64, description: 'An id (UUIDv7 or slug)' });
export const IdParams = Type.Object({ id: Id });
export const IsoTime = Type.String({
  format: 'date-time',
  description: 'ISO 8601 with offset (Asia/Shanghai by default)',
});

/** `T | null`, for fields that are always present and may be empty. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(
  t: T,
  options?: Parameters<typeof Type.Union>[1],
) => Type.Union([t, Type.Null()], options);

/** An opaque pagination cursor (its content is checked when decoded: 400 invalid_cursor). */
export const Cursor = (maxLength = 512) => Text({ maxLength });

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Query string of every list route. */
export const PageQuery = Type.Object({
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
});
export type PageQuery = Static<typeof PageQuery>;

/** `{items, nextCursor}`: the shape of every list. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
/** A page of `T` as the client receives it. */
export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}
