import { Type, type Static } from 'typebox';
import { Id } from './common.ts';

export const InterestCategory = Type.Object({
  id: Id,
  name: Type.String(),
  interests: Type.Array(Type.Object({ id: Id, name: Type.String() })),
});

export const InterestList = Type.Object({ items: Type.Array(InterestCategory) });
export type InterestList = Static<typeof InterestList>;

export const SetInterestsBody = Type.Object({
  interestIds: Type.Array(Id, { maxItems: 30, uniqueItems: true }),
});
export type SetInterestsBody = Static<typeof SetInterestsBody>;

export const MyInterest = Type.Object({
  id: Id,
  name: Type.String(),
  categoryId: Id,
  weight: Type.Number({ description: '0…1; 1 for a chosen interest, lower when learned' }),
  chosen: Type.Boolean(),
});
export const MyInterests = Type.Object({ items: Type.Array(MyInterest) });
export type MyInterests = Static<typeof MyInterests>;
