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

/** The operator's figures: daily series, top interests and cities, from indexed tables. */
export class OperatorService {
  private readonly repo: OperatorRepository;

  constructor(db: Executor) {
    this.repo = new OperatorRepository(db);
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
    const range = {
      from: from * DAY_MS - SHANGHAI_OFFSET_MS,
      to: (to + 1) * DAY_MS - SHANGHAI_OFFSET_MS,
      city,
    };
    const rows = await this.repo.figures(range);
    const [signups, paid, members, posts, active, intSignups, intMembers] = [
      rows.signupsByDay,
      rows.paidByDay,
      rows.newMembersByDay,
      rows.postsByDay,
      rows.activeMembersByDay,
      rows.signupsByInterest,
      rows.newMembersByInterest,
    ];
    const byDay = (rows: { day: number; n: number }[]) =>
      new Map(rows.map((r) => [Number(r.day), Number(r.n)]));
    const s = byDay(signups);
    const p = byDay(paid);
    const m = byDay(members);
    const a = byDay(active);
    const po = byDay(posts);
    const g = new Map(posts.map((r) => [Number(r.day), Number(r.groups)]));
    const days: Figures['days'] = [];
    for (let d = from; d <= to; d++) {
      days.push({
        day: dayString(d),
        signups: s.get(d) ?? 0,
        paidFen: p.get(d) ?? 0,
        newMembers: m.get(d) ?? 0,
        activeMembers: a.get(d) ?? 0,
        activeGroups: g.get(d) ?? 0,
        posts: po.get(d) ?? 0,
      });
    }
    const sum = (k: 'signups' | 'paidFen' | 'newMembers' | 'posts') =>
      days.reduce((t, x) => t + x[k], 0);

    const interests = new Map<string, { signups: number; newMembers: number }>();
    const interest = (id: string) => {
      let v = interests.get(id);
      if (!v) interests.set(id, (v = { signups: 0, newMembers: 0 }));
      return v;
    };
    for (const r of intSignups) interest(r.interestId).signups = Number(r.n);
    for (const r of intMembers) interest(r.interestId).newMembers = Number(r.n);
    const top = [...interests.entries()]
      .sort(
        (x, y) =>
          y[1].signups + y[1].newMembers - (x[1].signups + x[1].newMembers) ||
          x[0].localeCompare(y[0]),
      )
      .slice(0, 10);
    const names = new Map(
      (await this.repo.interestNames(top.map(([id]) => id))).map((n) => [n.id, n]),
    );

    const [cSignups, cPaid, cMembers, cPosts] = [
      rows.signupsByCity,
      rows.paidByCity,
      rows.newMembersByCity,
      rows.postsByCity,
    ];
    const byCity = new Map<
      string | null,
      { city: string | null; signups: number; paidFen: number; newMembers: number; posts: number }
    >();
    const cityRow = (c: string | null) => {
      let v = byCity.get(c);
      if (!v) byCity.set(c, (v = { city: c, signups: 0, paidFen: 0, newMembers: 0, posts: 0 }));
      return v;
    };
    for (const r of cSignups) cityRow(r.city).signups = Number(r.n);
    for (const r of cPaid) cityRow(r.city).paidFen = Number(r.n);
    for (const r of cMembers) cityRow(r.city).newMembers = Number(r.n);
    for (const r of cPosts) cityRow(r.city).posts = Number(r.n);
    if (city !== undefined) {
      // One city: its breakdown is the totals (the by-city queries were not run).
      const c = cityRow(city);
      c.signups = sum('signups');
      c.paidFen = sum('paidFen');
      c.newMembers = sum('newMembers');
      c.posts = sum('posts');
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
      byCity: [...byCity.values()].sort(
        (x, y) =>
          y.signups - x.signups ||
          y.newMembers - x.newMembers ||
          y.posts - x.posts ||
          (x.city ?? '').localeCompare(y.city ?? ''),
      ),
    };
  }
}
