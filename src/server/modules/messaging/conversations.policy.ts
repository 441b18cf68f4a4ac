import { AppError, forbidden, invalidInput, notFound } from '../../platform/http/errors.ts';

/** Who accepts new conversations from whom (a person's setting, accounts' `messagePolicy`). */
export type MessageSetting = 'everyone' | 'groups' | 'nobody';

/** Who may write to whom in direct messages. */
export const conversationsPolicy = {
  assertNotSelf(from: string, to: string): void {
    if (from === to) throw invalidInput('You cannot message yourself.');
  },

  /** A block either way stops every message, in a conversation old or new. */
  assertNotBlocked(eitherBlocked: boolean): void {
    if (eitherBlocked) throw new AppError('blocked');
  },

  /**
   * Starting a conversation obeys the recipient's setting: everyone, only people who share a
   * group with them (`sharesGroup` is asked only then), or nobody. null: no such person.
   */
  async assertMayStart(
    setting: MessageSetting | null,
    sharesGroup: () => Promise<boolean>,
  ): Promise<void> {
    if (setting === null) throw notFound('No such user.');
    if (setting === 'nobody') throw forbidden('This person does not accept new messages.');
    if (setting === 'groups' && !(await sharesGroup())) {
      throw forbidden('This person accepts messages only from people in their groups.');
    }
  },

  /** A conversation is visible only to its two participants; to anyone else it does not exist. */
  assertParticipant<T>(participant: T | undefined): T {
    if (!participant) throw notFound('No such conversation.');
    return participant;
  },
};
