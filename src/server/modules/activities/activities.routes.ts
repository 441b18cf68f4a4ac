import { Type } from 'typebox';
import {
  Activity,
  Area,
  AreaBody,
  Attendee,
  AttendeeQuery,
  CancelActivityBody,
  CheckinBody,
  CreateActivityBody,
  NearbyActivity,
  NearbyQuery,
  PromotionBody,
  SignupResponse,
  UpdateActivityBody,
  VenueList,
  VenueQuery,
} from '../../../shared/api/activities.ts';
import { IdParams } from '../../../shared/api/common.ts';
import { requireViewer } from '../../platform/http/auth.ts';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../platform/http/pagination.ts';
import type { App } from '../../platform/http/types.ts';
import type { ActivitiesService } from './activities.service.ts';
import { activityCalendar } from './ics.ts';

/** Activities, sign-ups, check-in, calendar export and "popular near you". */
export function activitiesRoutes(
  app: App,
  opts: { activities: ActivitiesService; publicUrl: string },
): void {
  const { activities } = opts;
  const tags = ['activities'];
  const auth = { auth: 'required' as const };

  app.post(
    '/api/v1/activities',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Create an activity (standalone, or for a group I may create in)',
        body: CreateActivityBody,
        response: { 201: Activity },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await activities.create(requireViewer(req), req.body)),
  );

  app.get(
    '/api/v1/activities/nearby',
    {
      schema: {
        tags,
        summary:
          'Upcoming activities within radiusKm (default 10, at most 100) of a point, ranked by interest match, distance, time and popularity; promoted ones at most 1 in 5 and labelled',
        querystring: NearbyQuery,
        response: { 200: Page(NearbyActivity) },
      },
    },
    (req) => activities.nearby(req.viewer, req.query),
  );

  app.put(
    '/api/v1/me/area',
    {
      config: auth,
      schema: {
        tags,
        summary:
          'Set "my area" for the Interest Community tab: only the ≈5 km cell of the point is stored',
        body: AreaBody,
        response: { 200: Area },
      },
    },
    (req) => activities.setArea(requireViewer(req), req.body.lat, req.body.lng),
  );

  app.get(
    '/api/v1/me/activities',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Activities I signed up for, soonest first',
        querystring: PageQuery,
        response: { 200: Page(Activity) },
      },
    },
    (req) =>
      activities.mine(requireViewer(req), req.query.limit ?? DEFAULT_PAGE_SIZE, req.query.cursor),
  );

  app.get(
    '/api/v1/groups/:id/activities',
    {
      schema: {
        tags,
        summary: 'A group’s activities from today on',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(Activity) },
      },
    },
    (req) =>
      activities.groupActivities(
        req.params.id,
        req.viewer,
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.get(
    '/api/v1/activities/:id.ics',
    {
      schema: {
        tags,
        summary: 'The activity as an iCalendar (RFC 5545) file',
        params: IdParams,
        produces: ['text/calendar'],
        response: { 200: Type.String() },
      },
    },
    async (req, reply) => {
      const a = await activities.visible(req.params.id, req.viewer);
      const organizer = (await activities.toViews([a], null))[0]!.organizer.displayName;
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${a.id}.ics"`)
        .send(activityCalendar(a, opts.publicUrl, organizer));
    },
  );

  app.get(
    '/api/v1/activities/:id',
    { schema: { tags, summary: 'An activity', params: IdParams, response: { 200: Activity } } },
    (req) => activities.get(req.params.id, req.viewer),
  );

  app.post(
    '/api/v1/activities/:id/views',
    {
      schema: {
        tags,
        summary:
          'Count a view for popularity (a client showing the activity sends it; the organizer’s own views do not count)',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await activities.countView(req.params.id, req.viewer);
      return reply.code(204).send(null);
    },
  );

  app.patch(
    '/api/v1/activities/:id',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Change an activity (organizer); raises its sequence',
        params: IdParams,
        body: UpdateActivityBody,
        response: { 200: Activity },
      },
    },
    (req) => activities.update(req.params.id, requireViewer(req), req.body),
  );

  app.post(
    '/api/v1/activities/:id/cancel',
    {
      config: auth,
      schema: {
        tags,
        summary:
          'Cancel the activity (organizer); a paid one refunds everyone and needs Idempotency-Key',
        params: IdParams,
        body: CancelActivityBody,
        response: { 200: Activity },
      },
    },
    (req) =>
      activities.cancel(
        req.params.id,
        requireViewer(req),
        req.body.reason?.trim() || null,
        [req.headers['idempotency-key']].flat()[0],
      ),
  );

  app.post(
    '/api/v1/activities/:id/signup',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Sign up: confirmed while places remain, else waitlisted with a position',
        params: IdParams,
        body: Type.Object({ pin: Type.Optional(Type.String({ pattern: '^\\d{6}$' })) }),
        response: { 200: SignupResponse },
      },
    },
    (req) =>
      activities.signup(req.params.id, requireViewer(req), {
        ...req.body,
        idempotencyKey: [req.headers['idempotency-key']].flat()[0],
      }),
  );

  app.delete(
    '/api/v1/activities/:id/signup',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Cancel my sign-up; a freed place goes to the first on the waitlist',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await activities.cancelSignup(req.params.id, requireViewer(req));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/activities/:id/checkin',
    {
      config: auth,
      schema: {
        tags,
        summary:
          'Check in a confirmed attendee (organizer; from 2 h before start to a day after the end)',
        params: IdParams,
        body: CheckinBody,
        response: { 200: Attendee },
      },
    },
    (req) => activities.checkin(req.params.id, requireViewer(req), req.body),
  );

  app.get(
    '/api/v1/venues',
    {
      schema: {
        tags,
        summary:
          'Venue suggestions from past activities: distinct venues matching the text, in a city, most used first (venues are public; titles never)',
        querystring: VenueQuery,
        response: { 200: VenueList },
      },
    },
    (req) => activities.venues(req.query),
  );

  app.get(
    '/api/v1/activities/:id/attendees',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Attendees (organizer): confirmed by sign-up time, or the waitlist in order',
        params: IdParams,
        querystring: AttendeeQuery,
        response: { 200: Page(Attendee) },
      },
    },
    (req) =>
      activities.attendees(
        req.params.id,
        requireViewer(req),
        req.query.status ?? 'confirmed',
        req.query.limit ?? DEFAULT_PAGE_SIZE,
        req.query.cursor,
      ),
  );

  app.put(
    '/api/v1/activities/:id/promotion',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Promote until a time, with a label for the card (operators)',
        params: IdParams,
        body: PromotionBody,
        response: { 200: Activity },
      },
    },
    (req) =>
      activities.setPromotion(
        req.params.id,
        requireViewer(req),
        Date.parse(req.body.until),
        req.body.label,
      ),
  );

  app.delete(
    '/api/v1/activities/:id/promotion',
    {
      config: auth,
      schema: {
        tags,
        summary: 'End a promotion (operators)',
        params: IdParams,
        response: { 200: Activity },
      },
    },
    (req) => activities.setPromotion(req.params.id, requireViewer(req), null),
  );
}
