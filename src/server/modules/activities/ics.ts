import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import type { ActivityRow } from './activities.repository.ts';

const TZID = 'Asia/Shanghai';
/**
 * Asia/Shanghai has been UTC+8 without daylight saving since 1991, so its VTIMEZONE is a
 * constant; writing it out avoids a time-zone database dependency for one fixed zone.
 */
const SHANGHAI_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${TZID}`,
  'X-LIC-LOCATION:Asia/Shanghai',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0800',
  'TZOFFSETTO:+0800',
  'TZNAME:CST',
  'DTSTART:19700101T000000',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/** An RFC 5545 calendar holding one activity, as `GET /activities/{id}.ics` serves it. */
export function activityCalendar(a: ActivityRow, publicUrl: string, organizerName: string): string {
  const calendar = ical({
    prodId: { company: 'quanzi', product: 'activities', language: 'ZH' },
    name: a.title,
    method: ICalCalendarMethod.PUBLISH,
    timezone: { name: TZID, generator: () => SHANGHAI_VTIMEZONE },
  });
  calendar.createEvent({
    id: `${a.id}@quanzi`,
    // Zoned values (luxon) so DTSTART/DTEND carry Shanghai wall time with TZID, whatever the
    // server process's own time zone is.
    start: DateTime.fromMillis(a.startAt, { zone: TZID }),
    end: DateTime.fromMillis(a.endAt, { zone: TZID }),
    timezone: TZID,
    stamp: new Date(a.updatedAt),
    created: new Date(a.createdAt),
    lastModified: new Date(a.updatedAt),
    sequence: a.sequence,
    summary: a.title,
    description: `${a.description}\n\n组织者 Organizer: ${organizerName}`,
    location: {
      title: a.venueName,
      address: [a.venueAddress, a.city].filter(Boolean).join(', '),
      geo: { lat: a.lat, lon: a.lng },
    },
    url: `${publicUrl.replace(/\/$/, '')}/activities/${a.id}`,
    status: a.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
