import { Type } from 'typebox';
import { DataExport, DeleteAccountBody } from '../../../shared/api/privacy.ts';
import { requireViewer, SESSION_COOKIE } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/types.ts';
import type { PrivacyService } from './privacy.service.ts';

/** "Your data": export everything held about me; delete (anonymise) my account. */
export function privacyRoutes(app: App, opts: { privacy: PrivacyService }): void {
  const { privacy } = opts;
  const tags = ['accounts'];

  app.get(
    '/api/v1/me/export',
    {
      config: { auth: 'required' },
      schema: {
        tags,
        summary: 'Everything quanzi holds about me, as a JSON download',
        response: { 200: DataExport },
      },
    },
    async (req, reply) => {
      const viewer = requireViewer(req);
      const data = await privacy.export(viewer);
      const day = String(data.exportedAt).slice(0, 10);
      // Sent as text: the document is built whole and not re-shaped by the response schema.
      return reply
        .header('content-disposition', `attachment; filename="quanzi-data-${day}.json"`)
        .header('cache-control', 'no-store')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(data, null, 2) as never);
    },
  );

  app.delete(
    '/api/v1/me',
    {
      config: { auth: 'required' },
      schema: {
        tags,
        summary:
          'Delete my account: anonymised (已注销用户), every session ended; refused while money or owned groups must go somewhere',
        body: DeleteAccountBody,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await privacy.deleteAccount(requireViewer(req), req.body.password);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
}
