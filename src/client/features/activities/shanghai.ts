/**
 * Activity times are entered and filtered in Asia/Shanghai (UTC+8 all year, no daylight saving),
 * wherever the phone is: an activity happens at a place, at that place's time.
 */
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DDTHH:mm` (a datetime-local input's value) in Shanghai → ISO with +08:00. */
export function localToIso(local: string): string {
  return `${local}:00+08:00`;
}

/** An instant → `YYYY-MM-DDTHH:mm` in Shanghai, for a datetime-local input. */
export function isoToLocal(iso: string | number): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 16);
}

export type When = 'today' | 'weekend' | 'week' | 'month';
export const WHENS: When[] = ['today', 'weekend', 'week', 'month'];

/**
 * The `from`/`to` window of a date chip, in whole Shanghai days from today's midnight, so it stays
 * the same all day and a list's later pages continue the same list (the server starts at now).
 */
export function windowOf(when: When, now = Date.now()): { from: string; to: string } {
  const local = now + OFFSET_MS;
  const today = Math.floor(local / DAY_MS) * DAY_MS - OFFSET_MS; // today 00:00 in Shanghai
  const iso = (ms: number) => new Date(ms).toISOString();
  const days = (n: number) => ({ from: iso(today), to: iso(today + n * DAY_MS) });
  switch (when) {
    case 'today':
      return days(1);
    case 'week':
      return days(7);
    case 'month':
      return days(30);
    case 'weekend': {
      const weekday = new Date(local).getUTCDay(); // 0 Sunday … 6 Saturday, in Shanghai
      const saturday = today + (weekday === 0 ? -1 : 6 - weekday) * DAY_MS;
      return { from: iso(saturday), to: iso(saturday + 2 * DAY_MS) };
    }
  }
}
