import { Type } from 'typebox';
import {
  SetPinBody,
  TopupBody,
  TopupResult,
  Wallet,
  WalletTransaction,
} from '../../../shared/api/wallet.ts';
import { requireViewer } from '../../platform/http/auth.ts';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { WalletService } from './wallet.service.ts';

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'required: a retry with the same key never moves money twice' }),
  ),
});

/** The wallet: balance, sandbox top-up, payment PIN, transactions. */
export function walletRoutes(app: App, opts: { wallet: WalletService }): void {
  const { wallet } = opts;
  const tags = ['wallet'];
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/wallet',
    {
      config: auth,
      schema: { tags, summary: 'My balance and PIN state', response: { 200: Wallet } },
    },
    (req) => wallet.summary(requireViewer(req)),
  );

  app.post(
    '/api/v1/wallet/topup',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Sandbox top-up (needs Idempotency-Key)',
        headers: IdempotencyHeaders,
        body: TopupBody,
        response: { 201: TopupResult },
      },
    },
    async (req, reply) => {
      const r = await wallet.topup(
        requireViewer(req),
        req.body.amountFen,
        req.headers['idempotency-key'],
      );
      return reply.code(r.status as 201).send(r.body);
    },
  );

  app.put(
    '/api/v1/wallet/pin',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Set my 6-digit payment PIN (changing it needs oldPin)',
        body: SetPinBody,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await wallet.setPin(requireViewer(req), req.body.pin, req.body.oldPin);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/wallet/transactions',
    {
      config: auth,
      schema: {
        tags,
        summary: 'My wallet movements, newest first',
        querystring: PageQuery,
        response: { 200: Page(WalletTransaction) },
      },
    },
    (req) =>
      wallet.transactions(
        requireViewer(req),
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );
}
