import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { PageOf } from '../../../shared/api/common.ts';
import type { TopupResult, Wallet, WalletTransaction } from '../../../shared/api/wallet.ts';
import { api } from '../../api/http.ts';
import { keys } from '../../api/keys.ts';
import { idempotencyHeader } from '../../lib/idempotency.ts';

export type WalletView = Static<typeof Wallet>;
export type TransactionView = Static<typeof WalletTransaction>;

export function useWallet() {
  return useQuery({ queryKey: keys.wallet, queryFn: () => api<WalletView>('/wallet') });
}

export function useTransactions() {
  return useInfiniteQuery({
    queryKey: keys.walletTransactions,
    queryFn: ({ pageParam, signal }) =>
      api<PageOf<TransactionView>>('/wallet/transactions', {
        query: { cursor: pageParam, limit: 20 },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A sandbox top-up; the caller passes the intent's key (lib/idempotency.ts). */
export function useTopup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ amountFen, key }: { amountFen: number; key: string }) =>
      api<Static<typeof TopupResult>>('/wallet/topup', {
        method: 'POST',
        body: { amountFen },
        headers: idempotencyHeader(key),
      }),
    onSuccess: (r) => {
      qc.setQueryData<WalletView>(keys.wallet, (w) => w && { ...w, balanceFen: r.balanceFen });
      void qc.invalidateQueries({ queryKey: keys.wallet });
    },
  });
}

export type SetPinBody = { pin: string; oldPin?: string; password?: string };

/** Sets, changes (oldPin) or resets (password) the payment PIN. */
export function useSetPin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SetPinBody) => api<void>('/wallet/pin', { method: 'PUT', body }),
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.wallet, exact: true }),
  });
}
