/**
 * Every time the client shows goes through here: relative ("3 分钟前") for recent ones, the date
 * beyond a week, and the exact time (for a `title`, shown on hover or long-press). Asia/Shanghai
 * unless the person's locale is not Chinese and their own time zone differs (the product rule:
 * Shanghai time unless the locale says otherwise).
 */
const SHANGHAI = 'Asia/Shanghai';

export function displayTimeZone(lang: string): string {
  if (lang.startsWith('zh')) return SHANGHAI;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || SHANGHAI;
}

const relativeCache = new Map<string, Intl.RelativeTimeFormat>();
function relativeFormat(lang: string) {
  let f = relativeCache.get(lang);
  if (!f) {
    f = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
    relativeCache.set(lang, f);
  }
  return f;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
];

/** "刚刚", "3 分钟前", "2 天后"; the calendar date beyond a week. */
export function relativeTime(iso: string, lang: string, now = Date.now()): string {
  const then = Date.parse(iso);
  let delta = (then - now) / 1000;
  if (Math.abs(delta) < 45) return lang.startsWith('zh') ? '刚刚' : 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) < size) return relativeFormat(lang).format(Math.round(delta), unit);
    delta /= size;
  }
  return new Intl.DateTimeFormat(lang, {
    timeZone: displayTimeZone(lang),
    year: new Date(then).getFullYear() === new Date(now).getFullYear() ? undefined : 'numeric',
    month: 'short',
    day: 'numeric',
  }).format(then);
}

/** The exact time, e.g. "2026年12月1日 星期二 14:30". */
export function exactTime(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: displayTimeZone(lang),
    dateStyle: 'full',
    timeStyle: 'short',
  }).format(Date.parse(iso));
}

/** A start time for a list, with the weekday: "12月5日周六 14:00", "Sat, Dec 5, 14:00". */
export function shortDateTime(iso: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: displayTimeZone(lang),
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(Date.parse(iso));
}
