import { useCallback, useMemo, useRef } from 'react';

/**
 * Idempotency-Keys for money-moving requests (docs/wallet.md, "Idempotency").
 *
 * The rule: one key per payment **intent**, generated once and sent with every retry of that
 * intent — a double tap, a network error, a response that never arrived — so the server applies
 * the movement at most once and answers the retries with the stored result. A new key is made
 * only when a new intent starts: after the intent succeeded, or after the server gave a definite
 * refusal (wrong PIN, insufficient funds…: it stored nothing, so a new key is as good as the old).
 * A network error is never definite: the request may have committed, so the key is kept.
 */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export interface IntentKey {
  /** The current intent's key, made on first use and the same until `renew`. */
  get: () => string;
  /** The intent is over (succeeded or definitely refused): the next `get` makes a new key. */
  renew: () => void;
}

/** A key per intent for one screen (a sheet, a form): see the rule above. */
export function useIntentKey(): IntentKey {
  const key = useRef<string | null>(null);
  const get = useCallback(() => (key.current ??= newIdempotencyKey()), []);
  const renew = useCallback(() => {
    key.current = null;
  }, []);
  return useMemo(() => ({ get, renew }), [get, renew]);
}

/** The header to send with a money-moving request. */
export const idempotencyHeader = (key: string) => ({ 'idempotency-key': key });
