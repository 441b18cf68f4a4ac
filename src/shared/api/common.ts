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
