import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { Static } from 'typebox';
import type { PageOf } from '../../../shared/api/common.ts';
import type { Conversation, Message } from '../../../shared/api/messaging.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { mergeConversation } from './receipts.ts';
import { insertMessage } from '../../stream/stream.ts';

export type MessageView = Static<typeof Message>;
export type ConversationView = Static<typeof Conversation>;

export const PAGE_SIZE = 30;

export function useConversation(id: string) {
  return useQuery({
    queryKey: keys.conversation(id),
    queryFn: ({ signal }) => api<ConversationView>(`/conversations/${id}`, { signal }),
    structuralSharing: (old, next) =>
      mergeConversation(old as ConversationView | undefined, next as ConversationView),
  });
}

/** Messages, newest first, a page at a time going back; the stream adds new ones in place. */
export function useMessages(id: string) {
  return useInfiniteQuery({
    queryKey: keys.conversationMessages(id),
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<MessageView>>(`/conversations/${id}/messages`, {
        query: { cursor: pageParam, limit: PAGE_SIZE },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The stream keeps it fresh; a refetch would throw away the pages loaded by scrolling up.
    staleTime: Infinity,
  });
}

/** Opens (or reopens) the conversation with someone: from their profile. */
export function useStartConversation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      api<ConversationView>('/conversations', { method: 'POST', body: { userId } }),
    onSuccess: (c) =>
      qc.setQueryData<ConversationView>(keys.conversation(c.id), (old) =>
        mergeConversation(old, c),
      ),
  });
}

/** "I have read up to here": the receipt the other person sees as 已读. */
export function useMarkConversationRead(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (upToSeq: number) =>
      api<ConversationView>(`/conversations/${id}/read`, { method: 'POST', body: { upToSeq } }),
    onSuccess: (c) => {
      qc.setQueryData<ConversationView>(keys.conversation(id), (old) => mergeConversation(old, c));
      void qc.invalidateQueries({ queryKey: keys.conversations });
    },
  });
}

export interface Pending {
  clientId: string;
  body: string;
  status: 'sending' | 'failed';
  error?: unknown;
}

const newClientId = () =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/**
 * Sending with a pending copy on screen: each message gets its own id once (`clientId`), and a
 * retry sends the same id, so a send whose answer was lost never arrives twice.
 */
export function useSend(conversationId: string) {
  const qc = useQueryClient();
  const [pending, setPending] = useState<Pending[]>([]);
  const post = useCallback(
    async (p: Pending) => {
      setPending((all) =>
        all.map((x) =>
          x.clientId === p.clientId ? { ...x, status: 'sending', error: undefined } : x,
        ),
      );
      try {
        const message = await api<MessageView>(`/conversations/${conversationId}/messages`, {
          method: 'POST',
          body: { body: p.body, clientId: p.clientId },
        });
        insertMessage(qc, conversationId, message);
        setPending((all) => all.filter((x) => x.clientId !== p.clientId));
        void qc.invalidateQueries({ queryKey: keys.conversations });
      } catch (error) {
        setPending((all) =>
          all.map((x) => (x.clientId === p.clientId ? { ...x, status: 'failed', error } : x)),
        );
      }
    },
    [qc, conversationId],
  );
  const send = useCallback(
    (body: string) => {
      const p: Pending = { clientId: newClientId(), body, status: 'sending' };
      setPending((all) => [...all, p]);
      void post(p);
    },
    [post],
  );
  const retry = useCallback((p: Pending) => void post(p), [post]);
  const discard = useCallback(
    (p: Pending) => setPending((all) => all.filter((x) => x.clientId !== p.clientId)),
    [],
  );
  return { pending, send, retry, discard };
}
