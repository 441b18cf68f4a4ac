import { Type } from 'typebox';

/** The one error shape of every 4xx and 5xx response. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable snake_case code from the error catalogue' }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse', title: 'ErrorResponse' },
);

export const Id = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'An id (UUIDv7 or slug)',
});
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

/** Text of any language with tabs and line breaks, but no other control characters. */
export const PRINTABLE = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';
