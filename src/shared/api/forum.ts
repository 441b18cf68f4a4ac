import { Type, type Static } from 'typebox';
import { UserSummary } from './accounts.ts';
import { Cursor, Id, IsoTime, Nullable, Text } from './common.ts';
import { REACTIONS } from '../reactions.ts';

/** The fixed set of reactions. */
export { REACTIONS, type Reaction } from '../reactions.ts';

export const ContentStatus = Type.Union([
  Type.Literal('visible'),
  Type.Literal('held'),
  Type.Literal('deleted'),
]);

const Body = Text({ minLength: 1, maxLength: 20_000, multiline: true });
const Title = Text({ minLength: 2, maxLength: 120 });

export const CreateThreadBody = Type.Object({ title: Title, body: Body });
export type CreateThreadBody = Static<typeof CreateThreadBody>;

export const UpdateThreadBody = Type.Object(
  {
    title: Type.Optional(Title),
    pinned: Type.Optional(Type.Boolean()),
    locked: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1 },
);
export type UpdateThreadBody = Static<typeof UpdateThreadBody>;

export const CreatePostBody = Type.Object({
  body: Body,
  replyToId: Type.Optional(Id),
});
export type CreatePostBody = Static<typeof CreatePostBody>;

export const UpdatePostBody = Type.Object({ body: Body });

export const ReactionBody = Type.Object({
  emoji: Type.Union(REACTIONS.map((e) => Type.Literal(e))),
});
export const ReactionParams = Type.Object({ id: Id, emoji: Text({ maxLength: 16 }) });

export const ReactionSummary = Type.Object({
  emoji: Type.String(),
  count: Type.Integer(),
  mine: Type.Boolean(),
});

/**
 * What the caller may do with a post, decided by the server's forum policy: the client shows
 * only these controls and never re-derives a rule (the server checks each use again). Absent on
 * posts pushed live to a thread's followers (their abilities differ per reader): show none.
 */
export const PostAbilities = Type.Object({
  canEdit: Type.Boolean(),
  canDelete: Type.Boolean(),
  canReport: Type.Boolean(),
  canReact: Type.Boolean(),
});

export const Post = Type.Object({
  id: Id,
  threadId: Id,
  groupId: Id,
  seq: Type.Integer({ description: '1 for the opening post, then in order' }),
  author: UserSummary,
  status: ContentStatus,
  /** Markdown source; empty when deleted. */
  body: Type.String(),
  /** Sanitised HTML rendered on the server; empty when deleted. */
  bodyHtml: Type.String(),
  replyTo: Nullable(
    Type.Object({ id: Id, seq: Type.Integer(), author: UserSummary, excerpt: Type.String() }),
  ),
  reactions: Type.Array(ReactionSummary),
  mentions: Type.Array(UserSummary),
  editCount: Type.Integer(),
  editedAt: Nullable(IsoTime),
  createdAt: IsoTime,
  abilities: Type.Optional(PostAbilities),
});
export type Post = Static<typeof Post>;

export const Thread = Type.Object({
  id: Id,
  groupId: Id,
  title: Type.String(),
  author: UserSummary,
  status: ContentStatus,
  pinned: Type.Boolean(),
  locked: Type.Boolean(),
  replyCount: Type.Integer(),
  reactionCount: Type.Integer(),
  score: Type.Integer(),
  hotRank: Type.Number(),
  excerpt: Type.String(),
  lastPostAt: IsoTime,
  createdAt: IsoTime,
});
export type Thread = Static<typeof Thread>;

/** What the caller may do with a thread (the forum policy's answers, sent with the thread). */
export const ThreadAbilities = Type.Object({
  canReply: Type.Boolean(),
  canRetitle: Type.Boolean(),
  canModerate: Type.Boolean({ description: 'pin, lock' }),
});

export const ThreadDetail = Type.Object({
  ...Thread.properties,
  firstPost: Post,
  abilities: ThreadAbilities,
});
export type ThreadDetail = Static<typeof ThreadDetail>;

export const ThreadListQuery = Type.Object({
  sort: Type.Optional(
    Type.Union([Type.Literal('hot'), Type.Literal('new'), Type.Literal('top')], {
      description: 'hot (default), new, top',
    }),
  ),
  period: Type.Optional(
    Type.Union(
      [
        Type.Literal('day'),
        Type.Literal('week'),
        Type.Literal('month'),
        Type.Literal('year'),
        Type.Literal('all'),
      ],
      { description: 'for sort=top: how far back (default all)' },
    ),
  ),
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type ThreadListQuery = Static<typeof ThreadListQuery>;

export const Revision = Type.Object({
  id: Id,
  editor: UserSummary,
  body: Type.String(),
  replacedAt: IsoTime,
});

export const ReportBody = Type.Object({
  reason: Text({ minLength: 1, maxLength: 500, multiline: true }),
});
export const ReportCreated = Type.Object({ id: Id, status: Type.Literal('open') });
