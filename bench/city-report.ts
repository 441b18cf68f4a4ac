/**
 * The output of `npm run bench`: medians per endpoint, the markdown table, the block written into
 * docs/benchmarks.md between `<!-- bench:<scale>:<stack>:start/end -->`, and the raw JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Endpoint } from './city-endpoints.ts';
import type { MachineInfo } from './city-machine.ts';
import type { Measurement } from './city-wrk.ts';

export type Stack = 'sqlite' | 'postgres';

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface Row {
  name: string;
  label: string;
  kind: 'ceiling' | 'read' | 'write';
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ratio: number;
  non2xx: number;
  statuses: Record<string, number>;
  timeouts: number;
  socketErrors: number;
  seconds: number;
  rounds: Measurement[];
  /** The ceiling measurements taken just before this endpoint's, one per round. */
  beside: Measurement[];
  sample: string | null;
}

/** Medians of the rounds (req/s, p50 and p99 each on its own), and the ratio to the ceiling. */
export function summarise(
  e: { name: string; label: string; kind: Row['kind'] },
  rounds: Measurement[],
  beside: Measurement[],
  ceilingRps: number,
): Row {
  const rps = median(rounds.map((r) => r.rps));
  return {
    ...e,
    rps,
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    ratio: rps / ceilingRps,
    non2xx: rounds.reduce((s, r) => s + r.non2xx, 0),
    statuses: rounds.reduce<Record<string, number>>((acc, r) => {
      for (const [k, v] of Object.entries(r.statuses)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {}),
    timeouts: rounds.reduce((s, r) => s + r.timeouts, 0),
    socketErrors: rounds.reduce((s, r) => s + r.socketErrors, 0),
    seconds: Math.min(...rounds.map((r) => r.seconds)),
    rounds,
    beside,
    sample: rounds.find((r) => r.sample)?.sample ?? null,
  };
}

const n0 = (x: number) => Math.round(x).toLocaleString('en');
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

function non2xxCell(r: Row): string {
  const bad = Object.entries(r.statuses)
    .filter(([c]) => !c.startsWith('2'))
    .map(([c, n]) => `${n} × ${c}`);
  const extra = [
    ...(r.rounds.some((m) => m.requests === 0) ? ['no answers in a round'] : []),
    ...(r.timeouts ? [`${r.timeouts} timeouts`] : []),
    ...(r.socketErrors ? [`${r.socketErrors} socket errors`] : []),
  ];
  if (bad.length === 0 && extra.length === 0) return '0';
  return `**${[...bad, ...extra].join(', ')}**`;
}

export function table(rows: Row[]): string {
  const lines = [
    '| endpoint | req/s | p50 ms | p99 ms | ratio to ceiling | non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const label = r.kind === 'ceiling' ? `*${r.label}*` : r.label;
    const short = r.seconds !== rows[0]?.seconds ? ` (${r.seconds} s)` : '';
    lines.push(
      `| ${label}${short} | ${n0(r.rps)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${r.kind === 'ceiling' ? '1' : pct(r.ratio)} | ${non2xxCell(r)} |`,
    );
  }
  return lines.join('\n');
}

/** Two stacks side by side (same endpoints). */
export function sideBySide(a: Row[], b: Row[], labels: [string, string]): string {
  const byName = new Map(b.map((r) => [r.name, r]));
  const lines = [
    `| endpoint | ${labels[0]} req/s | p50 ms | p99 ms | ratio | ${labels[1]} req/s | p50 ms | p99 ms | ratio | non-2xx |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of a) {
    const o = byName.get(r.name);
    const cell = (x: Row | undefined) =>
      x
        ? `${n0(x.rps)} | ${ms(x.p50Ms)} | ${ms(x.p99Ms)} | ${x.kind === 'ceiling' ? '1' : pct(x.ratio)}`
        : '– | – | – | –';
    const bad = r.non2xx + (o?.non2xx ?? 0);
    lines.push(`| ${r.label} | ${cell(r)} | ${cell(o)} | ${bad ? `**${bad}**` : '0'} |`);
  }
  return lines.join('\n');
}

export interface RunInfo {
  scale: string;
  stack: Stack;
  command: string;
  date: string;
  machine: MachineInfo;
  counts: Record<string, number>;
  seedCommand: string;
  servers: number;
  wrk: string;
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  env: Record<string, string>;
  load: { otherPct: number; oursPct: number; loadavgStart: number[] };
  elapsedS: number;
  seededS: number;
}

/** The block for docs/benchmarks.md (without its markers). */
export function docsBlock(info: RunInfo, rows: Row[], endpoints: Endpoint[]): string {
  const m = info.machine;
  const stackName =
    info.stack === 'sqlite'
      ? `SQLite ${m.sqlite}, one server process`
      : `PostgreSQL ${m.postgres} + Redis ${m.redis}, two server processes`;
  const counts = Object.entries(info.counts)
    .map(([k, v]) => `${v.toLocaleString('en')} ${k}`)
    .join(', ');
  const other = rows.filter((r) => r.seconds !== info.seconds);
  const notes = endpoints.map((e) => `- ${e.label}: ${e.note}.`);
  return [
    `**${info.scale}, ${stackName}** — ${info.date}, \`${info.command}\``,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node.js ${m.node}, ${m.wrk}. ` +
      `Other processes used ${info.load.otherPct.toFixed(0)} % of the machine's CPU during the run ` +
      `(the benchmark itself ${info.load.oursPct.toFixed(0)} %; load average ${info.load.loadavgStart.map((x) => x.toFixed(2)).join(' ')} at the start). ` +
      `Data set (\`${info.seedCommand}\`): ${counts}. ` +
      `${info.rounds} rounds of ${info.seconds} s after a ${info.warmupSeconds} s warm-up; ` +
      (info.servers === 2
        ? 'two wrk of 25 connections, 1 thread each, one per server, at the same time: req/s summed, p50/p99 the worse of the two; the ceiling the same way. '
        : 'wrk 2 threads, 50 connections. ') +
      `Server environment beyond the defaults: ${Object.entries(info.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(
          ', ',
        )}. Whole run ${info.elapsedS.toFixed(0)} s${info.seededS ? `, of which seeding ${info.seededS.toFixed(0)} s` : ' (the data set was already seeded)'}.`,
    '',
    table(rows),
    '',
    ...(other.length
      ? [
          `Rows marked (N s) were measured N s per round instead of ${info.seconds} s: longer for an endpoint whose warm-up p50 was over a fifth of the duration, shorter where the unused (session, activity) pairs would not have lasted.`,
          '',
        ]
      : []),
    '<details><summary>What each row sends</summary>',
    '',
    ...notes,
    '',
    '</details>',
  ].join('\n');
}

/** Replaces (or appends under the "City scale" section) the block between the markers. */
export function writeDocs(file: string, scale: string, stack: Stack, block: string): void {
  const start = `<!-- bench:${scale}:${stack}:start -->`;
  const end = `<!-- bench:${scale}:${stack}:end -->`;
  let text = fs.readFileSync(file, 'utf8');
  const wrapped = `${start}\n${block}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) {
    text = text.slice(0, i) + wrapped + text.slice(j + end.length);
  } else {
    // Before the next section after "## City scale", or at the end.
    const section = text.indexOf('## City scale');
    const next = section >= 0 ? text.indexOf('\n## ', section + 1) : -1;
    const at = next >= 0 ? next + 1 : text.length;
    text = `${text.slice(0, at).trimEnd()}\n\n${wrapped}\n\n${text.slice(at)}`.trimEnd() + '\n';
  }
  fs.writeFileSync(file, text);
}

export function writeJson(dir: string, name: string, data: unknown): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

export function writeText(dir: string, name: string, text: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}
