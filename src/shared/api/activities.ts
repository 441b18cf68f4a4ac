import { Type, type Static } from 'typebox';
import { UserSummary } from './accounts.ts';
import { Cursor, Id, IsoTime, Nullable, Text } from './common.ts';

export const Venue = Type.Object({
  name: Text({ minLength: 1, maxLength: 80 }),
  address: Text({ maxLength: 200 }),
  city: Text({ minLength: 1, maxLength: 40 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
});

export const ActivityStatus = Type.Union([
  Type.Literal('published'),
  Type.Literal('cancelled'),
  Type.Literal('completed'),
]);

export const CreateActivityBody = Type.Object({
  title: Text({ minLength: 2, maxLength: 80 }),
  description: Text({ maxLength: 10_000, multiline: true }),
  interestIds: Type.Array(Id, { minItems: 1, maxItems: 5, uniqueItems: true }),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  capacity: Type.Integer({ minimum: 1, maximum: 100_000 }),
  priceFen: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
  groupId: Type.Optional(Nullable(Id)),
  signupDeadline: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  refundCutoffHours: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 720,
      description: 'cancel at least this many hours before start for a full refund (default 24)',
    }),
  ),
  venue: Venue,
});
export type CreateActivityBody = Static<typeof CreateActivityBody>;

export const UpdateActivityBody = Type.Object(
  {
    title: Type.Optional(CreateActivityBody.properties.title),
    description: Type.Optional(CreateActivityBody.properties.description),
    interestIds: Type.Optional(CreateActivityBody.properties.interestIds),
    startsAt: Type.Optional(CreateActivityBody.properties.startsAt),
    endsAt: Type.Optional(CreateActivityBody.properties.endsAt),
    capacity: Type.Optional(CreateActivityBody.properties.capacity),
    signupDeadline: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    refundCutoffHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 720 })),
    venue: Type.Optional(Venue),
  },
  { minProperties: 1 },
);
export type UpdateActivityBody = Static<typeof UpdateActivityBody>;

export const MySignup = Type.Object({
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('waitlisted')]),
  position: Type.Optional(Type.Integer({ description: 'place on the waitlist, 1 = next' })),
  checkedIn: Type.Boolean(),
  checkinCode: Type.Optional(
    Type.String({ description: 'my check-in code (my ticket), when confirmed; only I see it' }),
  ),
  refundFenIfCancelled: Type.Integer({
    description: 'what cancelling now would refund, by the policy the cancel uses (docs/wallet.md)',
  }),
  fullRefundUntil: IsoTime,
});

/** The organizer's view of a paid activity's money. */
export const ActivityPayout = Type.Object({
  heldFen: Type.Integer({ description: 'in escrow now' }),
  feeBps: Type.Integer({ description: 'the platform fee, in basis points' }),
  feeFen: Type.Integer({ description: 'the fee on what is held (or on what was paid out)' }),
  payoutFen: Type.Integer({ description: 'what the organizer receives (or received)' }),
  payoutAt: Nullable(IsoTime, { description: 'when it is (or was) paid out; null if cancelled' }),
  paidOut: Type.Boolean(),
});
export type ActivityPayout = Static<typeof ActivityPayout>;

export const Activity = Type.Object({
  id: Id,
  title: Type.String(),
  description: Type.String(),
  descriptionHtml: Type.String(),
  interestIds: Type.Array(Id),
  startsAt: IsoTime,
  endsAt: IsoTime,
  signupDeadline: IsoTime,
  capacity: Type.Integer(),
  priceFen: Type.Integer(),
  refundCutoffHours: Type.Integer(),
  groupId: Nullable(Id),
  venue: Venue,
  status: ActivityStatus,
  organizer: UserSummary,
  signupCount: Type.Integer({ description: 'confirmed sign-ups' }),
  waitlistCount: Type.Integer(),
  spotsLeft: Type.Integer(),
  signupOpen: Type.Boolean(),
  promoted: Type.Boolean(),
  promotedLabel: Nullable(Type.String(), {
    description: 'the promotion’s label (e.g. 官方推荐) while promoted; null: the default (推广)',
  }),
  cancelReason: Nullable(Type.String()),
  mySignup: Nullable(MySignup),
  sequence: Type.Integer({ description: 'raised by every change (iCalendar SEQUENCE)' }),
  payout: Type.Optional(ActivityPayout),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** What the caller may do (the activities policy's answer): edit, cancel, check in, attendees. */
  abilities: Type.Object({ canManage: Type.Boolean() }),
});
export type Activity = Static<typeof Activity>;

export const ScoreParts = Type.Object({
  interest: Type.Number(),
  distance: Type.Number(),
  time: Type.Number(),
  popularity: Type.Number(),
});

export const NearbyActivity = Type.Object({
  ...Activity.properties,
  distanceKm: Type.Number(),
  score: Type.Number(),
  scoreParts: ScoreParts,
});
export type NearbyActivity = Static<typeof NearbyActivity>;

export const NearbyQuery = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  radiusKm: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'default 10' }),
  ),
  interest: Type.Optional(Id),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  cursor: Type.Optional(Cursor(1024)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});
export type NearbyQuery = Static<typeof NearbyQuery>;
/** `PUT /me/area`: a point whose ≈5 km cell becomes "my area" (the point is not stored). */
export const AreaBody = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
});
export const Area = Type.Object({
  area: Type.String({ description: 'the ≈5 km geohash cell (precision 5) now stored' }),
});

export const SignupResponse = Type.Object({
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('waitlisted')]),
  position: Type.Optional(Type.Integer()),
});

export const CancelActivityBody = Type.Object({
  reason: Type.Optional(Text({ maxLength: 200, multiline: true })),
});
export const CheckinBody = Type.Union([
  Type.Object({ userId: Id }, { additionalProperties: false }),
  Type.Object(
    {
      code: Type.String({ pattern: '^\\d{6}$', description: 'the code on the attendee’s ticket' }),
    },
    { additionalProperties: false },
  ),
]);

export const VenueQuery = Type.Object({
  q: Type.Optional(Text({ maxLength: 40 })),
  city: Type.Optional(Text({ maxLength: 40 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
});
export const VenueSuggestion = Type.Object({
  name: Type.String(),
  address: Type.String(),
  city: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
  uses: Type.Integer({ description: 'activities held there' }),
});
export const VenueList = Type.Object({ items: Type.Array(VenueSuggestion) });
export const Attendee = Type.Object({
  user: UserSummary,
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('waitlisted')]),
  position: Type.Optional(Type.Integer()),
  checkedIn: Type.Boolean(),
  signedUpAt: IsoTime,
});
export const AttendeeQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('confirmed'), Type.Literal('waitlisted')])),
  cursor: Type.Optional(Cursor()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export const PromotionBody = Type.Object({
  until: Type.String({ format: 'date-time' }),
  label: Type.Optional(
    Text({ minLength: 1, maxLength: 12, description: 'shown on the card, e.g. 官方推荐' }),
  ),
});

/** A live promotion, in the operator's list. */
export const Promotion = Type.Object({
  activityId: Id,
  title: Type.String(),
  city: Type.String(),
  startsAt: IsoTime,
  label: Nullable(Type.String()),
  until: IsoTime,
});
export type Promotion = Static<typeof Promotion>;
