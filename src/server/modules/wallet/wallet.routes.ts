import { Type } from 'typebox';
import { IdParams } from '../../../shared/api/common.ts';
import {
  Bill,
  CreateBillBody,
  PayBillBody,
  SetPinBody,
  TopupBody,
  TopupResult,
  Wallet,
  WalletTransaction,
} from '../../../shared/api/wallet.ts';
import { requireViewer } from '../../platform/http/auth.ts';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { BillsService } from './bills.service.ts';
import type { WalletService } from './wallet.service.ts';

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: '^[!-~]{1,128}$',
      description:
        'required: 1–128 visible ASCII characters; a retry with the same key never moves money twice',
    }),
  ),
});

/** The wallet: balance, sandbox top-up, payment PIN, transactions; split-the-bill. */
export function walletRoutes(app: App, opts: { wallet: WalletService; bills: BillsService }): void {
  const { wallet, bills } = opts;
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
        summary:
          'Set my 6-digit payment PIN; changing it needs oldPin, or the login password if forgotten',
        body: SetPinBody,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await wallet.setPin(requireViewer(req), req.body.pin, req.body);
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

  app.post(
    '/api/v1/bills',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Split a bill (AA制) among an activity’s attendees or chosen group members',
        body: CreateBillBody,
        response: { 201: Bill },
      },
    },
    async (req, reply) => reply.code(201).send(await bills.create(requireViewer(req), req.body)),
  );

  app.get(
    '/api/v1/bills',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Bills I created or am on, newest first',
        querystring: PageQuery,
        response: { 200: Page(Bill) },
      },
    },
    (req) => bills.list(requireViewer(req), req.query.limit ?? DEFAULT_PAGE_SIZE, req.query.cursor),
  );

  app.get(
    '/api/v1/bills/:id',
    {
      config: auth,
      schema: {
        tags,
        summary: 'A bill and who has paid (its creator and the people on it)',
        params: IdParams,
        response: { 200: Bill },
      },
    },
    (req) => bills.get(requireViewer(req), req.params.id),
  );

  app.post(
    '/api/v1/bills/:id/remind',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Remind everyone who still owes (the creator; once a day)',
        params: IdParams,
        response: { 200: Bill },
      },
    },
    (req) => bills.remind(requireViewer(req), req.params.id),
  );

  app.post(
    '/api/v1/bills/:id/cancel',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Withdraw my bill (its creator), while nobody else has paid',
        params: IdParams,
        response: { 200: Bill },
      },
    },
    (req) => bills.cancel(requireViewer(req), req.params.id),
  );

  app.post(
    '/api/v1/bills/:id/pay',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Pay my share with the PIN (needs Idempotency-Key)',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: PayBillBody,
        response: { 200: Bill },
      },
    },
    (req) =>
      bills.pay(requireViewer(req), req.params.id, req.body.pin, req.headers['idempotency-key']),
  );
}
