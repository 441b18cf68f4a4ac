import { displayTimeZone } from '../../lib/time.ts';

/** Day grouping of a chat, in the display time zone (Asia/Shanghai for Chinese). */
const cache = new Map<string, Intl.DateTimeFormat>();
function format(lang: string, kind: 'key' | 'label' | 'labelYear' | 'clock') {
  const k = `${lang}:${kind}`;
  let f = cache.get(k);
  if (!f) {
    const timeZone = displayTimeZone(lang);
    f = new Intl.DateTimeFormat(
      kind === 'key' ? 'en-CA' : lang,
      kind === 'key'
        ? { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }
        : kind === 'clock'
          ? { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
          : {
              timeZone,
              year: kind === 'labelYear' ? 'numeric' : undefined,
              month: 'long',
              day: 'numeric',
              weekday: 'short',
            },
    );
    cache.set(k, f);
  }
  return f;
}

/** "2026-12-01": the calendar day a time falls on where the person is shown times. */
export function dayKey(iso: string, lang: string): string {
  return format(lang, 'key').format(Date.parse(iso));
}

/** 今天 / 昨天 / "12月1日周二" (with the year when it is not this year's). */
export function dayLabel(iso: string, lang: string, now = Date.now()): string {
  const key = dayKey(iso, lang);
  const today = format(lang, 'key').format(now);
  const yesterday = format(lang, 'key').format(now - 86_400_000);
  const zh = lang.startsWith('zh');
  if (key === today) return zh ? '今天' : 'Today';
  if (key === yesterday) return zh ? '昨天' : 'Yesterday';
  const sameYear = key.slice(0, 4) === today.slice(0, 4);
  return format(lang, sameYear ? 'label' : 'labelYear').format(Date.parse(iso));
}

/** "14:05". */
export function clock(iso: string, lang: string): string {
  return format(lang, 'clock').format(Date.parse(iso));
}
