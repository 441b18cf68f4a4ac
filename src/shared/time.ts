/** The zone times are shown in unless a person's locale says otherwise. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Offsets in effect, by zone and quarter hour. Every zone changes its offset only on a quarter
 * hour, so one Intl lookup (microseconds: the slow part of formatting) serves every instant of
 * that quarter hour; the cache is cleared when it grows past a bound.
 */
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, string>();
const MAX_CACHED_OFFSETS = 50_000;

function offsetAt(ms: number, timeZone: string): string {
  const key = `${timeZone}|${Math.floor(ms / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const name =
      formatterFor(timeZone)
        .formatToParts(new Date(ms))
        .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    offset = name.replace('GMT', '') || '+00:00';
    if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** "+08:00" → minutes east of UTC. */
function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * ISO 8601 with the zone's offset, e.g. `2026-11-24T18:30:00.000+08:00`. The API returns every
 * time this way; the instant is the same whatever zone is used.
 */
export function toIsoWithOffset(ms: number, timeZone: string = DEFAULT_TIME_ZONE): string {
  const offset = offsetAt(ms, timeZone);
  // The wall-clock time is the UTC time shifted by the offset; toISOString formats it.
  const local = new Date(ms + offsetMinutes(offset) * 60_000).toISOString();
  return `${local.slice(0, -1)}${offset}`;
}
