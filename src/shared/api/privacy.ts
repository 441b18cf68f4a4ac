import { Type } from 'typebox';

/** `DELETE /api/v1/me`: the account's password, asked again. */
export const DeleteAccountBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 200 }),
});

/** `GET /api/v1/me/export`: the document described field by field in docs/api.md. */
export const DataExport = Type.Object(
  {
    format: Type.Literal('quanzi-export-1'),
    exportedAt: Type.String(),
  },
  { additionalProperties: true },
);
