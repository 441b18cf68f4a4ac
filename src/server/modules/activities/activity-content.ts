/**
 * What an activity's content is, on create and on change alike: the rules its times follow
 * (each refusal names its field) and the columns its title, description, times and venue set.
 */
import { invalidInput } from '../../platform/http/errors.ts';
import { renderMarkdown } from '../groups/index.ts';
import { cellsOf } from './geo.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_DURATION_MS = 30 * DAY;
const MAX_AHEAD_MS = 2 * 365 * DAY;

/** Text as it is stored: NFC, trimmed. */
export const clean = (s: string) => s.normalize('NFC').trim();

export interface VenueInput {
  name: string;
  address: string;
  city: string;
  lat: number;
  lng: number;
}

/** The columns an activity's content sets, on create and on change alike. */
export function contentColumns(
  title: string,
  description: string,
  t: { startAt: number; endAt: number; deadline: number },
  venue: VenueInput,
) {
  return {
    title,
    description,
    descriptionHtml: renderMarkdown(description),
    startAt: t.startAt,
    endAt: t.endAt,
    signupDeadline: t.deadline,
    venueName: venue.name,
    venueAddress: venue.address,
    city: venue.city,
    lat: venue.lat,
    lng: venue.lng,
    ...cellsOf(venue.lat, venue.lng),
  };
}

/** Refuses times an activity may not have: a start in the past or over two years ahead, an end
 * not after the start or over 30 days later, a sign-up deadline after the start. */
export function validateTimes(startAt: number, endAt: number, deadline: number, now: number) {
  // Each refusal names its field, so a form can show it there.
  const refuse = (field: string, message: string) => invalidInput(message, [{ field, message }]);
  if (startAt <= now) throw refuse('startsAt', 'startsAt must be in the future.');
  if (startAt > now + MAX_AHEAD_MS) throw refuse('startsAt', 'startsAt must be within two years.');
  if (endAt <= startAt) throw refuse('endsAt', 'endsAt must be after startsAt.');
  if (endAt - startAt > MAX_DURATION_MS) {
    throw refuse('endsAt', 'An activity lasts at most 30 days.');
  }
  if (deadline > startAt) {
    throw refuse('signupDeadline', 'signupDeadline must not be after startsAt.');
  }
}
