import { Type, type Static } from 'typebox';
import { UserSummary } from './accounts.ts';
import { Id, IsoTime, Text } from './common.ts';

export const Pin = Type.String({ pattern: '^\\d{6}$', description: 'six digits' });

export const Wallet = Type.Object({
  balanceFen: Type.Integer(),
  pinSet: Type.Boolean(),
  pinLocked: Type.Boolean(),
  pinLockedUntil: Type.Union([IsoTime, Type.Null()], {
    description: 'while payments are locked: until when',
  }),
});
export const TopupBody = Type.Object({ amountFen: Type.Integer({ minimum: 1, maximum: 500_000 }) });
export const TopupResult = Type.Object({
  entryId: Id,
  amountFen: Type.Integer(),
  balanceFen: Type.Integer(),
});
export const SetPinBody = Type.Object({
  pin: Pin,
  oldPin: Type.Optional(Pin),
  password: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'forgot the PIN: the login password instead of oldPin',
    }),
  ),
});
export const WalletTransaction = Type.Object({
  id: Id,
  entryId: Id,
  amountFen: Type.Integer({ description: 'positive: money in; negative: money out' }),
  purpose: Type.String({ description: 'topup, signup_payment, refund, payout, bill_payment' }),
  title: Type.Union([Type.String(), Type.Null()], {
    description: 'what it was for: the activity or bill title',
  }),
  reference: Type.Union([Type.String(), Type.Null()]),
  counterparty: Type.Union([
    Type.Object({
      kind: Type.String({
        description: 'wallet (a person), escrow (an activity), sandbox_funding, platform_fee',
      }),
      id: Type.String(),
      user: Type.Union([UserSummary, Type.Null()], {
        description: 'the person, when the other side is a wallet',
      }),
    }),
    Type.Null(),
  ]),
  createdAt: IsoTime,
});

export const BillShareInput = Type.Object({
  userId: Id,
  amountFen: Type.Integer({ minimum: 1 }),
});
export const CreateBillBody = Type.Object({
  title: Text({ minLength: 1, maxLength: 60 }),
  totalFen: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
  split: Type.Union([Type.Literal('equal'), Type.Literal('custom')]),
  activityId: Type.Optional(Id),
  groupId: Type.Optional(Id),
  userIds: Type.Optional(
    Type.Array(Id, {
      minItems: 1,
      maxItems: 100,
      description:
        'equal split: who shares the bill (default for an activity: the organizer and every confirmed attendee); the creator is always included',
    }),
  ),
  shares: Type.Optional(
    Type.Array(BillShareInput, {
      minItems: 1,
      maxItems: 100,
      description: 'custom split: each person and their share; the shares add up to totalFen',
    }),
  ),
});
export type CreateBillBody = Static<typeof CreateBillBody>;

export const BillShare = Type.Object({
  user: UserSummary,
  amountFen: Type.Integer(),
  status: Type.Union([Type.Literal('paid'), Type.Literal('pending')]),
  paidAt: Type.Union([IsoTime, Type.Null()]),
});
export const Bill = Type.Object({
  id: Id,
  title: Type.String(),
  creator: UserSummary,
  activityId: Type.Union([Id, Type.Null()]),
  groupId: Type.Union([Id, Type.Null()]),
  totalFen: Type.Integer(),
  split: Type.Union([Type.Literal('equal'), Type.Literal('custom')]),
  status: Type.Union([Type.Literal('open'), Type.Literal('settled'), Type.Literal('cancelled')]),
  paidFen: Type.Integer({ description: 'what has been paid, the creator’s own share included' }),
  paidCount: Type.Integer(),
  shareCount: Type.Integer(),
  shares: Type.Array(BillShare),
  createdAt: IsoTime,
});
export type Bill = Static<typeof Bill>;
export const PayBillBody = Type.Object({ pin: Pin });
