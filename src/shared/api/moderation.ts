import { Type } from 'typebox';
import { UserSummary } from './accounts.ts';
import { Cursor, Id, IsoTime } from './common.ts';

export const ReportStatus = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
export const ResolveAction = Type.Union([
  Type.Literal('dismiss'),
  Type.Literal('approve'),
  Type.Literal('delete_post'),
  Type.Literal('ban_author'),
]);

export const Report = Type.Object({
  id: Id,
  groupId: Id,
  reason: Type.String(),
  reporter: Type.Union([UserSummary, Type.Null()], {
    description: 'null: held by the word filter',
  }),
  status: ReportStatus,
  resolution: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoTime,
  post: Type.Object({
    id: Id,
    threadId: Id,
    threadTitle: Type.String(),
    author: UserSummary,
    status: Type.String(),
    body: Type.String(),
  }),
});

export const ReportListQuery = Type.Object({
  groupId: Type.Optional(Id),
  status: Type.Optional(ReportStatus),
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const ResolveBody = Type.Object({ action: ResolveAction });
