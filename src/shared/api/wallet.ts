import { Type } from 'typebox';
import { Id, IsoTime } from './common.ts';

export const Pin = Type.String({ pattern: '^\\d{6}$', description: 'six digits' });

export const Wallet = Type.Object({
  balanceFen: Type.Integer(),
  pinSet: Type.Boolean(),
  pinLocked: Type.Boolean(),
});
export const TopupBody = Type.Object({ amountFen: Type.Integer({ minimum: 1, maximum: 500_000 }) });
export const TopupResult = Type.Object({
  entryId: Id,
  amountFen: Type.Integer(),
  balanceFen: Type.Integer(),
});
export const SetPinBody = Type.Object({ pin: Pin, oldPin: Type.Optional(Pin) });
export const WalletTransaction = Type.Object({
  id: Id,
  entryId: Id,
  amountFen: Type.Integer({ description: 'positive: money in; negative: money out' }),
  purpose: Type.String({ description: 'topup, signup_payment, refund, payout, bill_payment…' }),
  reference: Type.Union([Type.String(), Type.Null()]),
  counterparty: Type.Union([Type.Object({ kind: Type.String(), id: Type.String() }), Type.Null()]),
  createdAt: IsoTime,
});
