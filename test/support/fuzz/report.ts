/**
 * What every answer must be, and how a failure is shown: the exact request and response, grouped
 * by failure class (route + status + code) so that one fault does not drown the others.
 */
import { errorCatalogue } from '../../../src/shared/errors.ts';
import type { WireRequest } from './model.ts';
import type { Outcome } from './wire.ts';

export interface Exchange {
  n: number;
  batch: number;
  req: WireRequest;
  out: Outcome;
}

export interface Failure {
  /** Route + status + code (+ what is wrong): one line per distinct fault and route. */
  cls: string;
  /** The same fault across routes (status + code + what is wrong). */
  cause: string;
  exchange?: Exchange;
  /** Extra lines (a digest diff, the server's last words). */
  detail?: string[];
  /** One fault however many routes show it (refused before routing): shown once. */
  routeless?: boolean;
}

const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** Why an error answer is not in the one shape, or null when it is. */
export function shapeProblem(
  status: number,
  contentType: string | undefined,
  body: Buffer,
): string | null {
  if (!/^application\/json(\s*;|$)/i.test(contentType ?? '')) {
    return `content-type ${JSON.stringify(contentType ?? null)}, not JSON`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return 'body is not an object';
  const top = Object.keys(parsed);
  if (top.length !== 1 || top[0] !== 'error')
    return `top-level keys ${JSON.stringify(top)}, not ["error"]`;
  const e = (parsed as { error: unknown }).error;
  if (!e || typeof e !== 'object' || Array.isArray(e)) return '"error" is not an object';
  const keys = Object.keys(e);
  const extra = keys.filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length) return `error has keys ${JSON.stringify(extra)} beyond code/message/details`;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !SNAKE.test(code))
    return `code ${JSON.stringify(code)} is not snake_case`;
  if (typeof message !== 'string') return 'message is not a string';
  const entry = (errorCatalogue as Record<string, { status: number }>)[code];
  if (!entry) return `code ${code} is not in the error catalogue`;
  if (entry.status !== status)
    return `code ${code} belongs with ${entry.status}, sent with ${status}`;
  return null;
}

export function codeOf(body: Buffer): string {
  try {
    const p = JSON.parse(body.toString('utf8')) as { error?: { code?: unknown }; code?: unknown };
    const c = p.error?.code ?? p.code;
    return typeof c === 'string' ? c : '-';
  } catch {
    return '-';
  }
}

/** The failures one exchange shows (none for a good answer). */
export function check(x: Exchange, timeoutMs: number): Failure[] {
  const { req, out } = x;
  const route = req.method === req.op.split(' ')[0] ? req.op : `${req.op} (sent as ${req.method})`;
  if (out.kind === 'timeout') {
    return [
      { cls: `${route} → hang`, cause: `hang (no answer in ${timeoutMs / 1000} s)`, exchange: x },
    ];
  }
  if (out.kind === 'error') {
    // A request larger than the server takes may be cut off instead of answered.
    if (req.oversize && ['ECONNRESET', 'EPIPE'].includes(out.code)) return [];
    return [
      {
        cls: `${route} → no answer (${out.code})`,
        cause: `no answer (${out.code})`,
        exchange: x,
        routeless: true,
      },
    ];
  }
  const { status, headers, body } = out.res;
  const code = codeOf(body);
  if (status >= 500) {
    return [{ cls: `${route} → ${status} ${code}`, cause: `${status} ${code}`, exchange: x }];
  }
  if (status >= 400) {
    const problem = shapeProblem(status, headers['content-type'], body);
    if (problem) {
      return [
        {
          cls: `${route} → ${status} ${code}: ${problem}`,
          cause: `${status} ${code}: ${problem}`,
          exchange: x,
          routeless: true,
        },
      ];
    }
  }
  return [];
}

export interface Printer {
  tokens: Map<string, string>;
  serverOutput: () => string;
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

function mask(s: string, p: Printer): string {
  let out = s;
  for (const [token, name] of p.tokens) out = out.split(token).join(`<${name}>`);
  return out;
}

/** The server's own log line for a request id (error level), in brief. */
function serverLogFor(reqId: string | undefined, p: Printer): string | null {
  if (!reqId) return null;
  const lines = p
    .serverOutput()
    .split('\n')
    .filter((l) => l.includes(`"reqId":"${reqId}"`));
  for (const line of lines) {
    try {
      const j = JSON.parse(line) as {
        level?: number;
        msg?: string;
        err?: { type?: string; message?: string; code?: string; stack?: string };
      };
      if ((j.level ?? 0) >= 50) {
        const at = j.err?.stack
          ?.split('\n')
          .find((l) => l.includes('/src/'))
          ?.trim();
        return `${j.msg ?? ''}: ${j.err?.type ?? ''} ${j.err?.code ?? ''} ${cut(j.err?.message ?? '', 300)}${at ? ` ${at}` : ''}`;
      }
    } catch {
      // not JSON
    }
  }
  return null;
}

export function showExchange(x: Exchange, p: Printer): string[] {
  const { req, out } = x;
  const lines: string[] = [];
  lines.push(
    `#${x.n} ${req.method} ${cut(req.target, 300)}   [${req.tags.join(', ') || 'valid'}]${req.actor ? ` as ${req.actor}` : ''}`,
  );
  lines.push(
    `  headers: ${req.headers.map(([k, v]) => `${k}: ${cut(mask(v, p), 80)}`).join(' | ') || '(none)'}`,
  );
  if (req.body)
    lines.push(
      `  body (${req.body.length} bytes): ${cut(JSON.stringify(req.body.toString('utf8')), 300)}`,
    );
  if (out.kind === 'response') {
    lines.push(
      `  → ${out.res.status} ${out.res.headers['content-type'] ?? '(no content-type)'} in ${out.ms} ms`,
    );
    lines.push(`    ${cut(out.res.body.toString('utf8'), 300) || '(empty body)'}`);
    const reqId = req.headers.find(([k]) => k === 'x-request-id')?.[1];
    const log = out.res.status >= 500 ? serverLogFor(reqId, p) : null;
    if (log) lines.push(`    server log: ${log}`);
  } else if (out.kind === 'timeout') {
    lines.push(`  → no answer within the deadline (${out.ms} ms)`);
  } else {
    lines.push(`  → ${out.code}: ${out.message} after ${out.ms} ms`);
  }
  return lines;
}

/**
 * The failures, grouped by cause, and within a cause per route (route → status code). A wrong
 * error shape seen on many routes (a bad URL, oversize headers: refused before routing) is shown
 * once, naming its routes, so that it does not drown the rest; 5xx and hangs are always per route.
 */
export function formatFailures(failures: Failure[], p: Printer, examples = 2): string {
  if (!failures.length) return 'no failures';
  const byCause = new Map<string, Failure[]>();
  for (const f of failures) byCause.set(f.cause, [...(byCause.get(f.cause) ?? []), f]);
  const routeOf = (f: Failure) => f.cls.split(' → ')[0]!;
  const classes = new Set(failures.map((f) => f.cls));
  const out: string[] = [];
  out.push(
    `${failures.length} failing checks in ${classes.size} failure classes (route → status code), ${byCause.size} distinct causes`,
  );
  out.push('', 'Causes (status code: what is wrong — routes):');
  const causes = [...byCause].sort((a, b) => b[1].length - a[1].length);
  for (const [cause, fs] of causes) {
    const routes = new Set(fs.map(routeOf));
    out.push(`  ${cause} — ${fs.length}× on ${routes.size} route(s)`);
  }
  for (const [cause, fs] of causes) {
    const byClass = new Map<string, Failure[]>();
    for (const f of fs) byClass.set(f.cls, [...(byClass.get(f.cls) ?? []), f]);
    out.push('', `■ ${cause} — ${fs.length}×`);
    if (byClass.size > 3 && fs[0]!.routeless) {
      out.push(
        `  on ${byClass.size} routes: ${[...byClass.keys()]
          .map((c) => c.split(' → ')[0])
          .sort()
          .join(', ')}`,
      );
      const shown = [...byClass.values()].slice(0, examples).map((x) => x[0]!);
      for (const f of shown) {
        if (f.exchange) out.push(...showExchange(f.exchange, p).map((l) => `    ${l}`));
        if (f.detail) out.push(...f.detail.map((l) => `    ${mask(l, p)}`));
      }
      continue;
    }
    for (const [cls, list] of byClass) {
      out.push(`  ${cls} — ${list.length}×`);
      for (const f of list.slice(0, examples)) {
        if (f.exchange) out.push(...showExchange(f.exchange, p).map((l) => `    ${l}`));
        if (f.detail) out.push(...f.detail.map((l) => `    ${mask(l, p)}`));
      }
    }
  }
  return out.join('\n');
}
