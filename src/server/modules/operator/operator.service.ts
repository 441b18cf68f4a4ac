import {
  FIGURES_DEFAULT_DAYS,
  FIGURES_MAX_DAYS,
  type Figures,
  type FiguresQuery,
} from '../../../shared/api/operator.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Viewer } from '../../platform/http/auth.ts';
import { forbidden, invalidInput } from '../../platform/http/errors.ts';
import { DAY_MS, OperatorRepository, SHANGHAI_OFFSET_MS } from './operator.repository.ts';

/** Day number (days since 1970-01-01 in Asia/Shanghai) ↔ YYYY-MM-DD. */
const dayNumber = (ymd: string, name: string): number => {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  if (new Date(ms).toISOString().slice(0, 10) !== ymd) throw invalidInput(`${name} is not a date.`);
  return ms / DAY_MS;
};
const dayString = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
const todayNumber = (now: number) => Math.floor((now + SHANGHAI_OFFSET_MS) / DAY_MS);

type DayCounts = Omit<Figures['days'][number], 'day'>;
type CityCounts = { signups: number; paidFen: number; newMembers: number; posts: number };

/**
 * Figures before they are laid out. Every part adds up across days (a day's active members are
 * only ever shown for that day), so a range is the sum of its days: closed days come from the
 * roll-up, the rest is counted live.
 */
interface Tally {
  days: Map<number, DayCounts>;
  interests: Map<string, { signups: number; newMembers: number }>;
  cities: Map<string | null, CityCounts>;
}

const emptyTally = (): Tally => ({ days: new Map(), interests: new Map(), cities: new Map() });

function addInto(into: Tally, t: Tally): Tally {
  for (const [d, c] of t.days) into.days.set(d, c);
  for (const [id, v] of t.interests) {
    const x = into.interests.get(id) ?? { signups: 0, newMembers: 0 };
    into.interests.set(id, {
      signups: x.signups + v.signups,
      newMembers: x.newMembers + v.newMembers,
    });
  }
  for (const [c, v] of t.cities) {
    const x = into.cities.get(c) ?? { signups: 0, paidFen: 0, newMembers: 0, posts: 0 };
    into.cities.set(c, {
      signups: x.signups + v.signups,
      paidFen: x.paidFen + v.paidFen,
      newMembers: x.newMembers + v.newMembers,
      posts: x.posts + v.posts,
    });
  }
  return into;
}

/** A closed day's tally as stored in `figures_days.figures`. */
interface StoredDay {
  counts: DayCounts;
  interests: [string, number, number][];
  cities: [string | null, number, number, number, number][];
}
const storeDay = (day: number, t: Tally): string => {
  const counts = t.days.get(day)!;
  return JSON.stringify({
    counts,
    interests: [...t.interests].map(([id, v]) => [id, v.signups, v.newMembers]),
    cities: [...t.cities].map(([c, v]) => [c, v.signups, v.paidFen, v.newMembers, v.posts]),
  } satisfies StoredDay);
};
const loadDay = (day: number, json: string): Tally => {
  const s = JSON.parse(json) as StoredDay;
  return {
    days: new Map([[day, s.counts]]),
    interests: new Map(
      s.interests.map(([id, signups, newMembers]) => [id, { signups, newMembers }]),
    ),
    cities: new Map(
      s.cities.map(([c, signups, paidFen, newMembers, posts]) => [
        c,
        { signups, paidFen, newMembers, posts },
      ]),
    ),
  };
};

/** Events may commit a little after their time; a day is closed this long after midnight. */
export const FIGURES_CLOSE_GRACE_MS = 10 * 60_000;
/** The last closed day at `now`. */
const lastClosedDay = (now: number) =>
  Math.floor((now - FIGURES_CLOSE_GRACE_MS + SHANGHAI_OFFSET_MS) / DAY_MS) - 1;
const dayStart = (d: number) => d * DAY_MS - SHANGHAI_OFFSET_MS;

/** The operator's figures: daily series, top interests and cities, from indexed tables. */
export class OperatorService {
  private readonly repo: OperatorRepository;

  constructor(db: Executor) {
    this.repo = new OperatorRepository(db);
  }

  /** Counts days `fromDay`…`toDay` (inclusive) from the tables, every day present. */
  private async count(fromDay: number, toDay: number, city?: string): Promise<Tally> {
    const rows = await this.repo.figures({
      from: dayStart(fromDay),
      to: dayStart(toDay + 1),
      city,
    });
    const byDay = (rows: { day: number; n: number }[]) =>
      new Map(rows.map((r) => [Number(r.day), Number(r.n)]));
    const s = byDay(rows.signupsByDay);
    const p = byDay(rows.paidByDay);
    const m = byDay(rows.newMembersByDay);
    const a = byDay(rows.activeMembersByDay);
    const po = byDay(rows.postsByDay);
    const g = new Map(rows.postsByDay.map((r) => [Number(r.day), Number(r.groups)]));
    const t = emptyTally();
    for (let d = fromDay; d <= toDay; d++) {
      t.days.set(d, {
        signups: s.get(d) ?? 0,
        paidFen: p.get(d) ?? 0,
        newMembers: m.get(d) ?? 0,
        activeMembers: a.get(d) ?? 0,
        activeGroups: g.get(d) ?? 0,
        posts: po.get(d) ?? 0,
      });
    }
    const interest = (id: string) => {
      let v = t.interests.get(id);
      if (!v) t.interests.set(id, (v = { signups: 0, newMembers: 0 }));
      return v;
    };
    for (const r of rows.signupsByInterest) interest(r.interestId).signups = Number(r.n);
    for (const r of rows.newMembersByInterest) interest(r.interestId).newMembers = Number(r.n);
    const cityRow = (c: string | null) => {
      let v = t.cities.get(c);
      if (!v) t.cities.set(c, (v = { signups: 0, paidFen: 0, newMembers: 0, posts: 0 }));
      return v;
    };
    for (const r of rows.signupsByCity) cityRow(r.city).signups = Number(r.n);
    for (const r of rows.paidByCity) cityRow(r.city).paidFen = Number(r.n);
    for (const r of rows.newMembersByCity) cityRow(r.city).newMembers = Number(r.n);
    for (const r of rows.postsByCity) cityRow(r.city).posts = Number(r.n);
    return t;
  }

  /**
   * Rolls up every closed day of the last FIGURES_MAX_DAYS not rolled up yet (all cities), one
   * day at a time: each day's queries read only that day's index ranges, and the write is one
   * small insert, so the process never waits on it. Safe in every process at once (a day saved
   * twice keeps the first). Returns how many days it added.
   */
  async rollUp(now = Date.now()): Promise<number> {
    const last = lastClosedDay(now);
    const first = last - FIGURES_MAX_DAYS + 1;
    const have = new Set((await this.repo.rolledUpDays('', first, last)).map((r) => Number(r.day)));
    let added = 0;
    for (let d = first; d <= last; d++) {
      if (have.has(d)) continue;
      await this.repo.saveDay('', d, storeDay(d, await this.count(d, d)), now);
      added++;
    }
    return added;
  }

  async figures(viewer: Viewer, q: FiguresQuery, now = Date.now()): Promise<Figures> {
    if (viewer.role !== 'operator') throw forbidden('Only operators see the figures.');
    const to = q.to ? dayNumber(q.to, 'to') : todayNumber(now);
    const from = q.from ? dayNumber(q.from, 'from') : to - (FIGURES_DEFAULT_DAYS - 1);
    if (from > to) throw invalidInput('from must not be after to.');
    if (to - from + 1 > FIGURES_MAX_DAYS) {
      throw invalidInput(`The range is at most ${FIGURES_MAX_DAYS} days.`);
    }
    const city = q.city?.normalize('NFC').trim() || undefined;

    // All cities: the rolled-up closed days from `from` on, then the rest (today, and any day
    // not rolled up yet) counted live. One city: counted live.
    const tally = emptyTally();
    let liveFrom = from;
    if (city === undefined) {
      const rolled = await this.repo.rolledUpDays('', from, Math.min(to, lastClosedDay(now)));
      for (const r of rolled) {
        if (Number(r.day) !== liveFrom) break;
        addInto(tally, loadDay(liveFrom, r.figures));
        liveFrom++;
      }
    }
    if (liveFrom <= to) addInto(tally, await this.count(liveFrom, to, city));

    const days: Figures['days'] = [];
    for (let d = from; d <= to; d++) days.push({ day: dayString(d), ...tally.days.get(d)! });
    const sum = (k: 'signups' | 'paidFen' | 'newMembers' | 'posts') =>
      days.reduce((t, x) => t + x[k], 0);

    const top = [...tally.interests.entries()]
      .sort(
        (x, y) =>
          y[1].signups + y[1].newMembers - (x[1].signups + x[1].newMembers) ||
          x[0].localeCompare(y[0]),
      )
      .slice(0, 10);
    const names = new Map(
      (await this.repo.interestNames(top.map(([id]) => id))).map((n) => [n.id, n]),
    );
    const byCity = [...tally.cities].map(([c, v]) => ({ city: c, ...v }));
    if (city !== undefined) {
      // One city: its breakdown is the totals (the by-city queries were not run).
      byCity.push({
        city,
        signups: sum('signups'),
        paidFen: sum('paidFen'),
        newMembers: sum('newMembers'),
        posts: sum('posts'),
      });
    }

    return {
      from: dayString(from),
      to: dayString(to),
      city: city ?? null,
      days,
      totals: {
        signups: sum('signups'),
        paidFen: sum('paidFen'),
        newMembers: sum('newMembers'),
        posts: sum('posts'),
      },
      topInterests: top.map(([id, v]) => ({
        interestId: id,
        nameZh: names.get(id)?.nameZh ?? id,
        nameEn: names.get(id)?.nameEn ?? id,
        ...v,
      })),
      byCity: byCity.sort(
        (x, y) =>
          y.signups - x.signups ||
          y.newMembers - x.newMembers ||
          y.posts - x.posts ||
          (x.city ?? '').localeCompare(y.city ?? ''),
      ),
    };
  }
}
