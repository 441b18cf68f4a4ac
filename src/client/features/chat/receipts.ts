import type { Static } from 'typebox';
import type { Conversation } from '../../../shared/api/messaging.ts';

type ConversationView = Static<typeof Conversation>;

/**
 * Read positions only move forward. An answer the server computed before a receipt arrived over
 * the stream (a refetch, or the answer to my own mark-read) must not take "已读" back: without
 * this the other person's receipt, applied a moment earlier, was overwritten by my stale answer
 * and 已读 never showed (seen in CI on PostgreSQL).
 */
export function mergeConversation(
  old: ConversationView | undefined,
  next: ConversationView,
): ConversationView {
  if (!old || old.id !== next.id) return next;
  const stale = next.readUpTo < old.readUpTo;
  return {
    ...next,
    readUpTo: Math.max(old.readUpTo, next.readUpTo),
    otherReadUpTo: Math.max(old.otherReadUpTo, next.otherReadUpTo),
    unreadCount: stale ? old.unreadCount : next.unreadCount,
  };
}
