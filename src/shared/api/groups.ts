import { Type, type Static } from 'typebox';
import { UserSummary } from './accounts.ts';
import { Cursor, Id, IsoTime, Nullable, Text } from './common.ts';

export const GroupVisibility = Type.Union([Type.Literal('public'), Type.Literal('approval')]);
export const GroupRole = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('moderator'),
  Type.Literal('member'),
]);
export const MemberStatus = Type.Union([
  Type.Literal('member'),
  Type.Literal('pending'),
  Type.Literal('banned'),
]);

const GroupName = Text({ minLength: 2, maxLength: 40 });
const GroupDescription = Text({ maxLength: 2000, multiline: true });
const City = Text({ minLength: 1, maxLength: 40 });
const InterestIds = Type.Array(Id, { minItems: 1, maxItems: 5, uniqueItems: true });
/** Duplicates (in any case) are folded by the server. */
const WordFilter = Type.Array(Text({ minLength: 1, maxLength: 40 }), { maxItems: 200 });

/** Who may create activities for the group. */
export const ActivityPolicy = Type.Union([Type.Literal('members'), Type.Literal('admins')]);

export const CreateGroupBody = Type.Object({
  name: GroupName,
  description: GroupDescription,
  interestIds: InterestIds,
  city: Type.Optional(Nullable(City)),
  visibility: GroupVisibility,
});
export type CreateGroupBody = Static<typeof CreateGroupBody>;

export const UpdateGroupBody = Type.Object(
  {
    name: Type.Optional(GroupName),
    description: Type.Optional(GroupDescription),
    interestIds: Type.Optional(InterestIds),
    city: Type.Optional(Nullable(City)),
    visibility: Type.Optional(GroupVisibility),
    slowModeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
    wordFilter: Type.Optional(WordFilter),
    activityPolicy: Type.Optional(ActivityPolicy),
  },
  { minProperties: 1 },
);
export type UpdateGroupBody = Static<typeof UpdateGroupBody>;

export const Membership = Type.Object({ status: MemberStatus, role: GroupRole });

/** What the caller may do in a group (the groups policy's answers, sent with the group). */
export const GroupAbilities = Type.Object({
  canReadContent: Type.Boolean(),
  canPost: Type.Boolean(),
  canModerate: Type.Boolean({ description: 'reports, bans, pin and lock' }),
  canManage: Type.Boolean({ description: 'settings, join requests, roles (admins)' }),
  canTransfer: Type.Boolean({ description: 'hand the group over (the owner)' }),
  canCreateActivity: Type.Boolean(),
});

export const Group = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  city: Nullable(Type.String()),
  visibility: GroupVisibility,
  interestIds: Type.Array(Id),
  memberCount: Type.Integer(),
  threadCount: Type.Integer(),
  slowModeSeconds: Type.Integer(),
  activityPolicy: ActivityPolicy,
  owner: UserSummary,
  lastActivityAt: IsoTime,
  createdAt: IsoTime,
  myMembership: Nullable(Membership),
  abilities: GroupAbilities,
  /** Only for admins: words that hold a post for review. */
  wordFilter: Type.Optional(Type.Array(Type.String())),
  /** With sort=match: the sum of the caller's weights for the group's interests. */
  matchScore: Type.Optional(Type.Number()),
});
export type Group = Static<typeof Group>;

export const GroupListQuery = Type.Object({
  interest: Type.Optional(Id),
  city: Type.Optional(City),
  q: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
  sort: Type.Optional(
    Type.Union([Type.Literal('activity'), Type.Literal('new'), Type.Literal('match')], {
      description: 'activity (default), new, or match with my interests',
    }),
  ),
  mine: Type.Optional(Type.Boolean({ description: 'only groups I am a member of' })),
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type GroupListQuery = Static<typeof GroupListQuery>;

export const JoinBody = Type.Object({
  message: Type.Optional(Text({ maxLength: 200, multiline: true })),
});
export const JoinResponse = Type.Object({
  status: Type.Union([Type.Literal('member'), Type.Literal('pending')]),
});

export const Member = Type.Object({
  user: UserSummary,
  role: GroupRole,
  status: MemberStatus,
  since: IsoTime,
  requestMessage: Type.Optional(Nullable(Type.String())),
  banReason: Type.Optional(Nullable(Type.String())),
  /** What the caller may do to this person: remove or ban, and which roles they may give. */
  abilities: Type.Object({
    canRemove: Type.Boolean(),
    assignableRoles: Type.Array(
      Type.Union([Type.Literal('member'), Type.Literal('moderator'), Type.Literal('admin')]),
    ),
  }),
});
export type Member = Static<typeof Member>;

export const MemberListQuery = Type.Object({
  status: Type.Optional(MemberStatus),
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const MemberParams = Type.Object({ id: Id, userId: Id });
export const ChangeRoleBody = Type.Object({
  role: Type.Union([Type.Literal('admin'), Type.Literal('moderator'), Type.Literal('member')]),
});
export const BanBody = Type.Object({
  userId: Id,
  reason: Type.Optional(Text({ maxLength: 200, multiline: true })),
});
export const TransferBody = Type.Object({ userId: Id });
export const MemberResponse = Type.Object({ userId: Id, role: GroupRole, status: MemberStatus });
