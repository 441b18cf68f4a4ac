/**
 * Notices about activities: a sign-up confirmed or waitlisted, a promotion from the waitlist, a
 * change or cancellation (to everyone signed up), and the reminders before the start (jobs
 * scheduled, moved or cancelled whenever the activity is created or changes).
 */
import type { HandlerContext, OutboxDispatcher } from '../../platform/events/outbox.ts';
import type { JobScheduler } from '../../platform/jobs/scheduler.ts';
import type { ActivitiesService } from '../activities/index.ts';
import type { NotificationsService } from './notifications.service.ts';

const HOUR = 3_600_000;
/** Reminders before an activity starts, in hours. */
export const REMINDER_HOURS = [24, 2] as const;

export function registerActivityRules(d: {
  dispatcher: OutboxDispatcher;
  jobs: JobScheduler;
  notifications: NotificationsService;
  activities: ActivitiesService;
}): void {
  const { dispatcher: on, notifications: n } = d;

  const activityTarget = (id: string) => `/activities/${id}`;
  /**
   * An approval group's activity is that group's content: its notices reach only people who may
   * still read the group (not someone who kept a place after leaving or being banned).
   */
  const activityScope = (a: { groupId: string | null; restricted: number } | undefined) =>
    a?.restricted ? { groupId: a.groupId, groupContent: true } : {};
  on.on('activity.signed_up', async (e, ctx) => {
    const { activityId, userId, status } = e.payload;
    const a = await d.activities.record(activityId, ctx.trx);
    await n.notify(ctx.trx, ctx, {
      userId,
      type: status === 'confirmed' ? 'activity.signup_confirmed' : 'activity.waitlisted',
      actorId: null,
      subjectType: 'activity',
      subjectId: activityId,
      ...activityScope(a),
      target: activityTarget(activityId),
      data: { title: a?.title ?? '' },
    });
  });
  on.on('activity.signup_promoted', async (e, ctx) => {
    const { activityId, userId } = e.payload;
    const a = await d.activities.record(activityId, ctx.trx);
    await n.notify(ctx.trx, ctx, {
      userId,
      type: 'activity.promoted',
      actorId: null,
      subjectType: 'activity',
      subjectId: activityId,
      ...activityScope(a),
      target: activityTarget(activityId),
      data: { title: a?.title ?? '' },
    });
  });

  const scheduleReminders = async (
    trx: Parameters<JobScheduler['schedule']>[0],
    activityId: string,
  ) => {
    const a = await d.activities.record(activityId, trx);
    if (!a) return;
    for (const hours of REMINDER_HOURS) {
      const key = `activity-reminder:${activityId}:${hours}`;
      const runAt = a.startAt - hours * HOUR;
      if (a.status === 'published' && runAt > Date.now()) {
        await d.jobs.schedule(trx, {
          type: 'activity.reminder',
          runAt,
          payload: { activityId, hours },
          key,
        });
      } else {
        await d.jobs.cancel(trx, key);
      }
    }
  };
  on.on('activity.created', async (e, ctx) => scheduleReminders(ctx.trx, e.payload.activityId));
  const notifyAttendees = async (
    ctx: HandlerContext,
    activityId: string,
    actorId: string,
    type: string,
    data: Record<string, unknown>,
  ) => {
    const { trx } = ctx;
    await scheduleReminders(trx, activityId);
    const a = await d.activities.record(activityId, trx);
    for (const userId of await d.activities.attendeeIds(activityId, undefined, trx)) {
      await n.notify(trx, ctx, {
        userId,
        type,
        actorId,
        subjectType: 'activity',
        subjectId: activityId,
        ...activityScope(a),
        target: activityTarget(activityId),
        data: { title: a?.title ?? '', ...data },
      });
    }
  };
  on.on('activity.updated', (e, ctx) =>
    notifyAttendees(ctx, e.payload.activityId, e.payload.actorId, 'activity.changed', {
      changed: e.payload.changed,
    }),
  );
  on.on('activity.cancelled', (e, ctx) =>
    notifyAttendees(ctx, e.payload.activityId, e.payload.actorId, 'activity.cancelled', {
      reason: e.payload.reason,
    }),
  );
  d.jobs.handle('activity.reminder', async (job, ctx) => {
    const { activityId, hours } = job.payload as { activityId: string; hours: number };
    const a = await d.activities.record(activityId, ctx.trx);
    if (!a || a.status !== 'published' || a.startAt <= Date.now()) return;
    for (const userId of await d.activities.attendeeIds(activityId, 'confirmed', ctx.trx)) {
      await n.notify(ctx.trx, ctx, {
        userId,
        type: 'activity.reminder',
        actorId: null,
        subjectType: 'activity',
        subjectId: activityId,
        ...activityScope(a),
        target: activityTarget(activityId),
        data: { title: a.title, hours, startsAt: a.startAt },
      });
    }
  });
}
