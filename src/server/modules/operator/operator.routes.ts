import { Type } from 'typebox';
import { Promotion } from '../../../shared/api/activities.ts';
import { IdParams } from '../../../shared/api/common.ts';
import { BanBody, Figures, FiguresQuery, SiteBan } from '../../../shared/api/operator.ts';
import { requireViewer } from '../../platform/http/auth.ts';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { ActivitiesService } from '../activities/index.ts';
import type { OperatorService } from './operator.service.ts';

/** The operator's console: figures, site bans, live promotions. Operators only (else 403). */
export function operatorRoutes(
  app: App,
  opts: { operator: OperatorService; accounts: AccountsService; activities: ActivitiesService },
): void {
  const { operator, accounts, activities } = opts;
  const tags = ['operator'];
  const auth = { auth: 'required' as const };

  app.get(
    '/api/v1/operator/figures',
    {
      config: auth,
      schema: {
        tags,
        summary:
          'Daily figures (Asia/Shanghai days, zeros included; default the last 30, at most 92), top interests, by city',
        querystring: FiguresQuery,
        response: { 200: Figures },
      },
    },
    (req) => operator.figures(requireViewer(req), req.query),
  );

  app.get(
    '/api/v1/operator/bans',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Site bans in force, newest first',
        querystring: PageQuery,
        response: { 200: Page(SiteBan) },
      },
    },
    (req) =>
      accounts.listSiteBans(
        requireViewer(req),
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.post(
    '/api/v1/operator/users/:id/ban',
    {
      config: auth,
      schema: {
        tags,
        summary:
          'Ban a person site-wide: no log-in, every session ended (streams closed), so no writes',
        params: IdParams,
        body: BanBody,
        response: { 200: SiteBan },
      },
    },
    (req) =>
      accounts.siteBan(
        requireViewer(req),
        req.params.id,
        req.body.reason,
        req.body.until ? Date.parse(req.body.until) : null,
      ),
  );

  app.delete(
    '/api/v1/operator/users/:id/ban',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Lift a site ban',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await accounts.liftSiteBan(requireViewer(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/operator/promotions',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Live promotions, ending soonest first',
        querystring: PageQuery,
        response: { 200: Page(Promotion) },
      },
    },
    (req) =>
      activities.listPromotions(
        requireViewer(req),
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );
}
