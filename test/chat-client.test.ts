import { describe, expect, it } from 'vitest';
import type { Static } from 'typebox';
import { mergeConversation } from '../src/client/features/chat/receipts.ts';
import type { Conversation } from '../src/shared/api/messaging.ts';

type ConversationView = Static<typeof Conversation>;

/** The chat screen's cache: read receipts only move forward. */
describe('a conversation answer merged into the cache', () => {
  const base = {
    id: 'c1',
    with: { id: 'u2', username: 'lei', displayName: '阿磊' },
    lastMessage: null,
    lastMessageAt: '2026-12-01T12:00:00.000+08:00',
    unreadCount: 0,
    readUpTo: 2,
    otherReadUpTo: 2,
    createdAt: '2026-12-01T12:00:00.000+08:00',
  } as unknown as ConversationView;

  it('keeps a receipt that arrived over the stream before a stale answer', () => {
    // Their receipt (otherReadUpTo 2) was applied; then my mark-read answer, computed before it,
    // says 1. 已读 must stay.
    const merged = mergeConversation(base, { ...base, otherReadUpTo: 1 });
    expect(merged.otherReadUpTo).toBe(2);
    const mine = mergeConversation(
      { ...base, unreadCount: 0 },
      { ...base, readUpTo: 1, unreadCount: 1 },
    );
    expect(mine.readUpTo).toBe(2);
    expect(mine.unreadCount).toBe(0);
  });

  it('takes newer positions and counts as they come', () => {
    const next = mergeConversation(base, {
      ...base,
      readUpTo: 5,
      otherReadUpTo: 4,
      unreadCount: 3,
    });
    expect(next).toMatchObject({ readUpTo: 5, otherReadUpTo: 4, unreadCount: 3 });
    expect(mergeConversation(undefined, base)).toBe(base);
  });
});
