/**
 * Creating a bill (`POST /api/v1/bills`): who may be billed (an activity's organizer and
 * confirmed attendees, or a group's members, never across a block), the equal or custom split
 * in whole fen, and the bill with its shares and `bill.created` event in one transaction.
 */
import { billsPolicy } from './bills.policy.ts';
import { v7 as uuidv7 } from 'uuid';
import type { CreateBillBody } from '../../../shared/api/wallet.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput } from '../../platform/http/errors.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { ActivitiesService } from '../activities/index.ts';
import { type GroupsService } from '../groups/index.ts';
import type { BillsRepository } from './bills.repository.ts';

/** What creating a bill works with (BillsService's dependencies but the wallet). */
export interface BillCreationDeps {
  uow: UnitOfWork;
  accounts: AccountsService;
  activities: ActivitiesService;
  groups: GroupsService;
}

/**
 * Equal shares of `totalFen` among `n` people in whole fen: everyone owes floor(total / n) and
 * the first person (the creator) also covers the remainder, so no payer pays for rounding.
 */
export function equalShares(totalFen: number, n: number): number[] {
  const base = Math.floor(totalFen / n);
  return Array.from({ length: n }, (_, i) => (i === 0 ? totalFen - base * (n - 1) : base));
}

/** Checks a new bill, splits it and stores it. */
export class BillCreation {
  constructor(
    private readonly deps: BillCreationDeps,
    private readonly repo: BillsRepository,
  ) {}

  /** Creates the bill; returns its id. */
  async create(viewer: Viewer, body: CreateBillBody): Promise<string> {
    const me = viewer.userId;
    const title = body.title.normalize('NFC').trim();
    if (!title) throw invalidInput('title must not be blank.');
    if ((body.activityId ? 1 : 0) + (body.groupId ? 1 : 0) !== 1) {
      throw invalidInput('Send exactly one of activityId and groupId.');
    }
    if (body.split === 'equal' && body.shares) {
      throw invalidInput('An equal split takes userIds, not shares.');
    }
    if (body.split === 'custom' && (!body.shares || body.userIds)) {
      throw invalidInput('A custom split takes shares (each userId with amountFen).');
    }
    // Who may be billed: an activity's organizer and confirmed attendees, or a group's members.
    const eligible = body.activityId
      ? await this.activityPeople(viewer, body.activityId)
      : undefined;
    let people: string[];
    let amounts: number[];
    if (body.split === 'equal') {
      const chosen = body.userIds ?? (eligible ? [...eligible] : undefined);
      if (!chosen) throw invalidInput('Choose the group members to share the bill (userIds).');
      people = [me, ...new Set(chosen.filter((id) => id !== me))];
      if (body.totalFen < people.length) {
        throw invalidInput('totalFen must be at least one fen per person.');
      }
      amounts = equalShares(body.totalFen, people.length);
    } else {
      const shares = body.shares!;
      people = shares.map((s) => s.userId);
      amounts = shares.map((s) => s.amountFen);
      if (new Set(people).size !== people.length) throw invalidInput('Each person appears once.');
      const sum = amounts.reduce((a, b) => a + b, 0);
      if (sum !== body.totalFen) {
        throw invalidInput(`The shares add up to ${sum} fen, not totalFen ${body.totalFen}.`);
      }
    }
    const payers = people.filter((id) => id !== me);
    if (payers.length === 0) throw invalidInput('A bill needs at least one other person to pay.');
    if (eligible) {
      const outside = payers.filter((id) => !eligible.has(id));
      if (outside.length) {
        throw invalidInput('Everyone on the bill must be at the activity.', { userIds: outside });
      }
    } else {
      await this.assertGroupMembers(viewer, body.groupId!, payers);
    }
    // Being at the activity or in the group (checked above) means the account exists.
    const blocked = await this.deps.accounts.blockedAmong(me, payers);
    billsPolicy.assertNoBlocks(blocked.size);

    const id = uuidv7();
    const now = Date.now();
    const mine = people.indexOf(me);
    const myShare = mine >= 0 ? amounts[mine]! : 0;
    await this.deps.uow.run(async (trx) => {
      await this.repo.with(trx).insert(
        {
          id,
          creatorId: me,
          activityId: body.activityId ?? null,
          groupId: body.groupId ?? null,
          title,
          totalFen: body.totalFen,
          split: body.split,
          shareCount: people.length,
          paidCount: mine >= 0 ? 1 : 0,
          paidFen: myShare,
          cancelledAt: null,
          remindedAt: null,
          createdAt: now,
        },
        people.map((userId, i) => ({
          billId: id,
          userId,
          amountFen: amounts[i]!,
          paidAt: userId === me ? now : null,
          entryId: null,
        })),
      );
      await recordEvent(trx, 'bill.created', {
        billId: id,
        creatorId: me,
        title,
        totalFen: body.totalFen,
        shares: people.map((userId, i) => ({
          userId,
          amountFen: amounts[i]!,
          paid: userId === me,
        })),
      });
    });
    return id;
  }

  /** The organizer and confirmed attendees of an activity the viewer attends or organizes. */
  private async activityPeople(viewer: Viewer, activityId: string): Promise<Set<string>> {
    const a = await this.deps.activities.visible(activityId, viewer);
    const people = new Set([
      a.organizerId,
      ...(await this.deps.activities.attendeeIds(activityId, 'confirmed')),
    ]);
    billsPolicy.assertAtActivity(people, viewer.userId);
    return people;
  }

  private async assertGroupMembers(viewer: Viewer, groupId: string, payers: string[]) {
    const access = await this.deps.groups.access(groupId, viewer);
    billsPolicy.assertCanBillInGroup(access);
    const statuses = await this.deps.groups.memberStatuses(groupId, payers);
    const outside = payers.filter((id) => statuses.get(id) !== 'member');
    if (outside.length) {
      throw invalidInput('Everyone on the bill must be a member of the group.', {
        userIds: outside,
      });
    }
  }
}
