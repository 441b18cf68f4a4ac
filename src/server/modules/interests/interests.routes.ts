import { InterestList, MyInterests, SetInterestsBody } from '../../../shared/api/interests.ts';
import { requireViewer } from '../../platform/http/auth.ts';
import { publicCache } from '../../platform/http/cache-control.ts';
import { requestLanguage } from '../../platform/http/locale.ts';
import type { App } from '../../platform/http/types.ts';
import type { InterestsService } from './interests.service.ts';

/** The taxonomy and my interests. */
export function interestsRoutes(app: App, opts: { interests: InterestsService }): void {
  const { interests } = opts;
  const tags = ['interests'];

  app.get(
    '/api/v1/interests',
    {
      schema: {
        tags,
        summary: 'Categories and their interests, named in the Accept-Language (zh-CN default)',
        response: { 200: InterestList },
      },
    },
    (req, reply) => {
      // The same for everyone (per language), so caches may keep it for an hour.
      publicCache(reply, 3600, 'Accept-Language');
      return interests.list(requestLanguage(req));
    },
  );

  app.get(
    '/api/v1/me/interests',
    {
      config: { auth: 'required' },
      schema: { tags, summary: 'My interests with their weights', response: { 200: MyInterests } },
    },
    (req) => interests.getMine(requireViewer(req), requestLanguage(req)),
  );

  app.put(
    '/api/v1/me/interests',
    {
      config: { auth: 'required' },
      schema: {
        tags,
        summary: 'Choose my interests (replaces the chosen set; learned ones stay)',
        body: SetInterestsBody,
        response: { 200: MyInterests },
      },
    },
    (req) => interests.setMine(requireViewer(req), req.body.interestIds, requestLanguage(req)),
  );
}
