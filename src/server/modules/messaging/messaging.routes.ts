import { Type } from 'typebox';
import { IdParams } from '../../../shared/api/common.ts';
import {
  Community,
  Conversation,
  MarkReadBody,
  Message,
  MessageListQuery,
  Mutes,
  Notification,
  NotificationListQuery,
  ReadBody,
  SendMessageBody,
  StartConversationBody,
  UnreadCounts,
} from '../../../shared/api/messaging.ts';
import { requireViewer } from '../../platform/http/auth.ts';
import { invalidInput } from '../../platform/http/errors.ts';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { CommunityService } from './community.service.ts';
import type { ConversationsService } from './conversations.service.ts';
import type { NotificationsService } from './notifications.service.ts';

/** The messaging centre: inbox, notifications, mutes, Interest Community tab, conversations. */
export function messagingRoutes(
  app: App,
  opts: {
    notifications: NotificationsService;
    conversations: ConversationsService;
    community: CommunityService;
  },
): void {
  const { notifications, conversations, community } = opts;
  const tags = ['messaging'];
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/inbox',
    {
      config: auth,
      schema: { tags, summary: 'Unread counts per tab', response: { 200: UnreadCounts } },
    },
    (req) => notifications.unread(requireViewer(req).userId),
  );

  app.get(
    '/api/v1/inbox/notifications',
    {
      config: auth,
      schema: {
        tags,
        summary: 'My notifications, newest first',
        querystring: NotificationListQuery,
        response: { 200: Page(Notification) },
      },
    },
    (req) =>
      notifications.list(
        requireViewer(req),
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.unread ?? false,
        req.query.cursor,
      ),
  );

  app.post(
    '/api/v1/inbox/notifications/read',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Mark notifications read: {ids} or {all: true}',
        body: MarkReadBody,
        response: { 200: UnreadCounts },
      },
    },
    (req) => {
      if (!req.body.all && !req.body.ids) throw invalidInput('Send ids or all: true.');
      return notifications.markRead(requireViewer(req), req.body.all ? 'all' : req.body.ids!);
    },
  );

  app.get(
    '/api/v1/inbox/mutes',
    {
      config: auth,
      schema: { tags, summary: 'Muted groups and notification types', response: { 200: Mutes } },
    },
    (req) => notifications.mutes(requireViewer(req)),
  );

  app.put(
    '/api/v1/inbox/mutes',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Replace muted groups and notification types',
        body: Mutes,
        response: { 200: Mutes },
      },
    },
    (req) => notifications.setMutes(requireViewer(req), req.body),
  );

  app.get(
    '/api/v1/inbox/community',
    {
      config: auth,
      schema: {
        tags,
        summary:
          'The Interest Community tab: new threads in my groups, my upcoming activities, popular near my area',
        response: { 200: Community },
      },
    },
    (req) => community.open(requireViewer(req)),
  );

  app.post(
    '/api/v1/inbox/community/seen',
    {
      config: auth,
      schema: {
        tags,
        summary: 'I have seen the Interest Community tab: its unread count drops to 0',
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await community.markSeen(requireViewer(req));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/conversations',
    {
      config: auth,
      schema: {
        tags,
        summary: 'My conversations, latest first',
        querystring: PageQuery,
        response: { 200: Page(Conversation) },
      },
    },
    (req) =>
      conversations.list(
        requireViewer(req),
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.post(
    '/api/v1/conversations',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Start (or reopen) a conversation with someone who accepts my messages',
        body: StartConversationBody,
        response: { 200: Conversation },
      },
    },
    (req) => conversations.start(requireViewer(req), req.body.userId),
  );

  app.get(
    '/api/v1/conversations/:id',
    {
      config: auth,
      schema: {
        tags,
        summary: 'One of my conversations (who with, unread, read receipts both ways)',
        params: IdParams,
        response: { 200: Conversation },
      },
    },
    (req) => conversations.get(requireViewer(req), req.params.id),
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Messages, newest first; follow nextCursor for older ones',
        params: IdParams,
        querystring: MessageListQuery,
        response: { 200: Page(Message) },
      },
    },
    (req) =>
      conversations.messages(
        requireViewer(req),
        req.params.id,
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Send a message',
        params: IdParams,
        body: SendMessageBody,
        response: { 200: Message, 201: Message },
      },
    },
    async (req, reply) => {
      const { message, created } = await conversations.send(
        requireViewer(req),
        req.params.id,
        req.body.body,
        req.body.clientId,
      );
      return reply.code(created ? 201 : 200).send(message);
    },
  );

  app.post(
    '/api/v1/conversations/:id/read',
    {
      config: auth,
      schema: {
        tags,
        summary: 'I have read up to this message (read receipt)',
        params: IdParams,
        body: ReadBody,
        response: { 200: Conversation },
      },
    },
    (req) => conversations.read(requireViewer(req), req.params.id, req.body.upToSeq),
  );
}
