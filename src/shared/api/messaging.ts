import { Type } from 'typebox';
import { UserSummary } from './accounts.ts';
import { NearbyActivity, Activity } from './activities.ts';
import { Cursor, Id, IsoTime, Text } from './common.ts';
import { Thread } from './forum.ts';

export const Notification = Type.Object({
  id: Id,
  type: Type.String({
    description:
      'e.g. post.reply, post.mention, post.reaction, group.join_request, activity.reminder',
  }),
  actor: Type.Union([UserSummary, Type.Null()]),
  actorCount: Type.Integer({ description: 'how many people a grouped notification stands for' }),
  subject: Type.Object({ type: Type.String(), id: Id }),
  groupId: Type.Union([Id, Type.Null()]),
  target: Type.String({ description: 'app path to open' }),
  data: Type.Record(Type.String(), Type.Unknown()),
  read: Type.Boolean(),
  createdAt: IsoTime,
});

export const UnreadCounts = Type.Object({
  notifications: Type.Integer(),
  messages: Type.Integer(),
  community: Type.Integer(),
});

export const NotificationListQuery = Type.Object({
  unread: Type.Optional(Type.Boolean()),
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const MarkReadBody = Type.Object({
  ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 200 })),
  all: Type.Optional(Type.Literal(true)),
});

export const Mutes = Type.Object({
  groups: Type.Array(Id, { maxItems: 500, uniqueItems: true }),
  types: Type.Array(Text({ minLength: 1, maxLength: 64 }), {
    maxItems: 100,
    uniqueItems: true,
  }),
});

export const Message = Type.Object({
  id: Id,
  conversationId: Id,
  seq: Type.Integer(),
  sender: UserSummary,
  body: Type.String(),
  createdAt: IsoTime,
  clientId: Type.Union([Type.String(), Type.Null()], {
    description:
      "the sender's own id for the message, if it sent one (a retry returns this message)",
  }),
});

export const Conversation = Type.Object({
  id: Id,
  with: UserSummary,
  lastMessage: Type.Union([Message, Type.Null()]),
  unreadCount: Type.Integer(),
  readUpTo: Type.Integer({ description: 'I have read messages up to this seq' }),
  otherReadUpTo: Type.Integer({ description: 'they have read my messages up to this seq' }),
  lastMessageAt: IsoTime,
});

export const StartConversationBody = Type.Object({ userId: Id });
export const SendMessageBody = Type.Object({
  body: Text({ minLength: 1, maxLength: 5000, multiline: true }),
  clientId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      pattern: '^[A-Za-z0-9_-]+$',
      description:
        "the sender's id for this message, unique per sender and conversation: sending again with it returns the first message (200) instead of a second one",
    }),
  ),
});
export const ReadBody = Type.Object({ upToSeq: Type.Integer({ minimum: 0 }) });
export const MessageListQuery = Type.Object({
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const Community = Type.Object({
  unread: UnreadCounts,
  newThreads: Type.Array(Thread, {
    description: 'recent threads in my groups; `new` ones since my last visit first',
  }),
  newSinceLastVisit: Type.Integer(),
  myUpcoming: Type.Array(Activity),
  popularNearby: Type.Array(NearbyActivity),
  area: Type.Union([Type.String(), Type.Null()], { description: 'my ≈5 km area cell, if known' }),
});
