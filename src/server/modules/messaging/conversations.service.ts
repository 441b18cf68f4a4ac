import type { Static } from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import type { Conversation, Message } from '../../../shared/api/messaging.ts';
import { toIsoWithOffset } from '../../../shared/time.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import type { UnitOfWork } from '../../platform/events/unit-of-work.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { invalidInput, notFound } from '../../platform/http/errors.ts';
import { decodeCursor, encodeCursor, toPage, keysetPage } from '../../platform/http/pagination.ts';
import type { EventLog } from '../../platform/realtime/event-log.ts';
import type { AccountsService, UserSummary } from '../accounts/index.ts';
import type { GroupsService } from '../groups/index.ts';
import { conversationsPolicy } from './conversations.policy.ts';
import { ConversationsRepository, type MessageRow } from './conversations.repository.ts';
import type { NotificationsService } from './notifications.service.ts';

const pairKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
const nobody = (id: string): UserSummary => ({ id, username: '', displayName: '' });

/** One-to-one conversations: start, list, send, read receipts. */
export class ConversationsService {
  private readonly repo: ConversationsRepository;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly eventLog: EventLog,
    private readonly accounts: AccountsService,
    private readonly groups: GroupsService,
    private readonly notifications: NotificationsService,
  ) {
    this.repo = new ConversationsRepository(uow.db);
  }

  /** May `from` write to `to`? Blocks either way stop it; starting also obeys `to`'s setting. */
  private async assertMayWrite(from: string, to: string, starting: boolean): Promise<void> {
    conversationsPolicy.assertNotBlocked(await this.accounts.eitherBlocked(from, to));
    if (!starting) return;
    await conversationsPolicy.assertMayStart(await this.accounts.messagePolicy(to), async () => {
      const [mine, theirs] = await Promise.all([
        this.groups.memberGroupIds(from),
        this.groups.memberGroupIds(to),
      ]);
      const shared = new Set(mine);
      return theirs.some((g) => shared.has(g));
    });
  }

  /** Opens (or returns) the conversation between the viewer and someone. */
  async start(viewer: Viewer, userId: string): Promise<Static<typeof Conversation>> {
    conversationsPolicy.assertNotSelf(viewer.userId, userId);
    if ((await this.accounts.summaries([userId])).size === 0) throw notFound('No such user.');
    const key = pairKey(viewer.userId, userId);
    let conv = await this.repo.findConversationByPair(key);
    await this.assertMayWrite(viewer.userId, userId, !conv);
    if (!conv) {
      await this.uow.run((trx) =>
        this.repo.with(trx).insertConversation({
          id: uuidv7(),
          pairKey: key,
          a: viewer.userId,
          b: userId,
          now: Date.now(),
        }),
      );
      conv = (await this.repo.findConversationByPair(key))!;
    }
    return this.get(viewer, conv.id);
  }

  private async participantOr404(conversationId: string, userId: string) {
    return conversationsPolicy.assertParticipant(
      await this.repo.participant(conversationId, userId),
    );
  }

  async get(viewer: Viewer, conversationId: string): Promise<Static<typeof Conversation>> {
    await this.participantOr404(conversationId, viewer.userId);
    const row = (await this.repo.conversationRow(viewer.userId, conversationId))!;
    const [view] = await this.toViews(viewer, [row]);
    return view!;
  }

  async list(viewer: Viewer, limit: number, cursor?: string) {
    const page = await keysetPage(
      'conversations',
      limit,
      cursor,
      (after) =>
        this.repo.listConversations(viewer.userId, limit, after && { at: after[0], id: after[1] }),
      (r) => [r.lastMessageAt, r.id],
    );
    return { items: await this.toViews(viewer, page.items), nextCursor: page.nextCursor };
  }

  async send(
    viewer: Viewer,
    conversationId: string,
    body: string,
    clientId?: string,
  ): Promise<{ message: Static<typeof Message>; created: boolean }> {
    const me = await this.participantOr404(conversationId, viewer.userId);
    const text = body.normalize('NFC').trim();
    if (!text) throw invalidInput('body must not be blank.');
    const again = async () => {
      if (clientId === undefined) return undefined;
      const row = await this.repo.findByClientId(conversationId, viewer.userId, clientId);
      return row && (await this.messageViews([row]))[0];
    };
    // A retry of a send that already went through (its answer lost): the first message, once.
    const earlier = await again();
    if (earlier) return { message: earlier, created: false };
    await this.assertMayWrite(viewer.userId, me.otherId, false);
    const now = Date.now();
    const id = uuidv7();
    const message = await this.uow
      .run(async (trx, hooks) => {
        const repo = this.repo.with(trx);
        const seq = await repo.nextMessageSeq(conversationId, now);
        const row = {
          id,
          conversationId,
          seq,
          senderId: viewer.userId,
          body: text,
          createdAt: now,
          clientId: clientId ?? null,
        };
        await repo.insertMessage(row);
        await repo.touchParticipants(conversationId, viewer.userId, seq, now);
        const [view] = await this.messageViews([row], trx);
        // Both people's streams get the message (the sender's other devices too); the reader's
        // unread count moves with it, in the same transaction.
        for (const userId of [me.otherId, viewer.userId]) {
          await this.eventLog.append(trx, hooks, userId, 'message.created', {
            conversationId,
            message: view,
          });
        }
        await this.notifications.pushUnread(trx, hooks, me.otherId);
        return view!;
      })
      .catch(async (err: unknown) => {
        // Two copies of one send raced: the loser answers with the winner's message.
        const first = isUniqueViolation(err) ? await again() : undefined;
        if (first) return null;
        throw err;
      });
    if (message === null) return { message: (await again())!, created: false };
    return { message, created: true };
  }

  async messages(viewer: Viewer, conversationId: string, limit: number, cursor?: string) {
    await this.participantOr404(conversationId, viewer.userId);
    const list = `messages:${conversationId}`;
    const before = cursor ? decodeCursor(list, cursor, ['int'] as const)[0] : undefined;
    const rows = await this.repo.listMessages(conversationId, limit, before);
    const page = toPage(
      rows,
      limit,
      (r) => r,
      (r) => encodeCursor(list, [r.seq]),
    );
    return { items: await this.messageViews(page.items), nextCursor: page.nextCursor };
  }

  /** "Read up to" receipt: my unread count drops; the other person hears it live. */
  async read(viewer: Viewer, conversationId: string, upToSeq: number) {
    const me = await this.participantOr404(conversationId, viewer.userId);
    await this.uow.run(async (trx, hooks) => {
      const repo = this.repo.with(trx);
      const conv = (await repo.findConversation(conversationId))!;
      const upTo = Math.min(upToSeq, conv.lastSeq);
      if (!(await repo.markConversationRead(conversationId, viewer.userId, upTo))) return;
      for (const userId of [me.otherId, viewer.userId]) {
        await this.eventLog.append(trx, hooks, userId, 'conversation.read', {
          conversationId,
          userId: viewer.userId,
          readUpTo: upTo,
        });
      }
      await this.notifications.pushUnread(trx, hooks, viewer.userId);
    });
    return this.get(viewer, conversationId);
  }

  private async messageViews(rows: MessageRow[], db?: Executor): Promise<Static<typeof Message>[]> {
    const people = await this.accounts.summaries(
      rows.map((r) => r.senderId),
      db,
    );
    return rows.map((m) => ({
      id: m.id,
      conversationId: m.conversationId,
      seq: m.seq,
      sender: people.get(m.senderId) ?? nobody(m.senderId),
      body: m.body,
      createdAt: toIsoWithOffset(m.createdAt),
      clientId: m.clientId ?? null,
    }));
  }

  private async toViews(
    viewer: Viewer,
    rows: {
      id: string;
      lastSeq: number;
      otherId: string;
      readUpTo: number;
      unreadCount: number;
      lastMessageAt: number;
    }[],
  ): Promise<Static<typeof Conversation>[]> {
    const [people, last, others] = await Promise.all([
      this.accounts.summaries(rows.map((r) => r.otherId)),
      this.repo.lastMessages(rows),
      this.repo.othersReadUpTo(
        rows.map((r) => r.id),
        viewer.userId,
      ),
    ]);
    const lastViews = new Map(
      (await this.messageViews([...last.values()])).map((m) => [m.conversationId, m]),
    );
    return rows.map((r) => ({
      id: r.id,
      with: people.get(r.otherId) ?? nobody(r.otherId),
      lastMessage: lastViews.get(r.id) ?? null,
      unreadCount: r.unreadCount,
      readUpTo: r.readUpTo,
      otherReadUpTo: others.get(r.id) ?? 0,
      lastMessageAt: toIsoWithOffset(r.lastMessageAt),
    }));
  }
}
