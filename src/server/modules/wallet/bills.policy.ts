import { conflict, forbidden, notFound } from '../../platform/http/errors.ts';
import { groupsPolicy, type GroupAccess } from '../groups/index.ts';

type BillLike = { creatorId: string; status: string };
type Creator = { creatorId: string };

/**
 * Who may see, make and act on a bill. A bill is seen by its creator and the people on it
 * (anyone else: 404); only the creator reminds or cancels it; a bill is split among the
 * organizer and confirmed attendees of an activity the creator is at, or among members of a
 * group the creator is a member of; no one bills someone they blocked or who blocked them.
 */
export const billsPolicy = {
  canSee: (bill: Creator, userId: string, onBill: boolean) => bill.creatorId === userId || onBill,
  /** The bill if the person may see it; otherwise 404, as for one that does not exist. */
  visibleOr404<T extends Creator>(bill: T | undefined, userId: string, onBill: boolean): T {
    if (!bill || !this.canSee(bill, userId, onBill)) throw notFound('No such bill.');
    return bill;
  },

  assertCanRemind(bill: BillLike, userId: string): void {
    if (bill.creatorId !== userId) throw forbidden('Only the bill’s creator can remind.');
    if (bill.status !== 'open') throw conflict(`This bill is ${bill.status}.`);
  },
  assertCanCancel(bill: BillLike, userId: string): void {
    if (bill.creatorId !== userId) throw forbidden('Only the bill’s creator can cancel it.');
    if (bill.status === 'cancelled') throw conflict('This bill is already cancelled.');
  },

  /** An activity's bill: its creator is the organizer or a confirmed attendee. */
  assertAtActivity(people: Set<string>, userId: string): void {
    if (!people.has(userId)) {
      throw forbidden('Only the organizer and attendees can split a bill for this activity.');
    }
  },
  /** A group's bill: its creator is a member (not banned). */
  assertCanBillInGroup(a: GroupAccess): void {
    groupsPolicy.assertCanRead(a, 'No such group.');
    if (groupsPolicy.isBanned(a)) throw forbidden('You are banned from this group.');
    if (!groupsPolicy.isMember(a)) throw forbidden('Only members can split a bill here.');
  },
  assertNoBlocks(blockedCount: number): void {
    if (blockedCount) throw forbidden('You cannot bill someone you blocked or who blocked you.');
  },
};
