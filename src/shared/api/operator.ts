import { Type, type Static } from 'typebox';
import { UserSummary } from './accounts.ts';
import { IsoTime, Nullable, Text } from './common.ts';

/** A calendar day in Asia/Shanghai. */
export const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const FIGURES_MAX_DAYS = 92;
export const FIGURES_DEFAULT_DAYS = 30;

export const FiguresQuery = Type.Object({
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  city: Type.Optional(Text({ minLength: 1, maxLength: 40 })),
});
export type FiguresQuery = Static<typeof FiguresQuery>;

export const FiguresDay = Type.Object({
  day: Day,
  signups: Type.Integer({
    description: 'activity sign-ups made that day (confirmed or waitlisted)',
  }),
  paidFen: Type.Integer({ description: 'payments into escrow for sign-ups, in fen' }),
  newMembers: Type.Integer({ description: 'group memberships created' }),
  activeMembers: Type.Integer({ description: 'people who posted, signed up or joined a group' }),
  activeGroups: Type.Integer({ description: 'groups with a post' }),
  posts: Type.Integer({ description: 'posts written (threads’ opening posts included)' }),
});
export type FiguresDay = Static<typeof FiguresDay>;

export const FiguresTotals = Type.Object({
  signups: Type.Integer(),
  paidFen: Type.Integer(),
  newMembers: Type.Integer(),
  posts: Type.Integer(),
});

export const Figures = Type.Object({
  from: Day,
  to: Day,
  city: Nullable(Type.String()),
  days: Type.Array(FiguresDay, { description: 'every day of the range, zeros included' }),
  totals: FiguresTotals,
  topInterests: Type.Array(
    Type.Object({
      interestId: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      signups: Type.Integer(),
      newMembers: Type.Integer(),
    }),
    { description: 'at most 10, by sign-ups plus new members in the range' },
  ),
  byCity: Type.Array(
    Type.Object({
      city: Nullable(Type.String(), { description: 'null: groups without a city' }),
      signups: Type.Integer(),
      paidFen: Type.Integer(),
      newMembers: Type.Integer(),
      posts: Type.Integer(),
    }),
  ),
});
export type Figures = Static<typeof Figures>;

export const BanBody = Type.Object({
  reason: Text({ minLength: 1, maxLength: 200, multiline: true }),
  until: Type.Optional(
    Nullable(Type.String({ format: 'date-time', description: 'omitted or null: until lifted' })),
  ),
});
export type BanBody = Static<typeof BanBody>;

export const SiteBan = Type.Object({
  user: UserSummary,
  reason: Type.String(),
  until: Nullable(IsoTime),
  bannedAt: IsoTime,
});
export type SiteBan = Static<typeof SiteBan>;
