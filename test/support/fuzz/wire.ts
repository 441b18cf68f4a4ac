/**
 * Sends a request exactly as built (raw target, repeated headers, any bytes as the body) over
 * node:http, with a deadline: a request the server does not answer in time is a hang.
 */
import http from 'node:http';
import type { WireRequest } from './model.ts';

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Outcome =
  | { kind: 'response'; res: WireResponse; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'error'; code: string; message: string; ms: number };

/** Most of a response body kept for the report (an .ics or a page can be long). */
const KEEP_BYTES = 256 * 1024;

export interface Target {
  host: string;
  port: number;
  /** The local address to send from (its own rate-limit bucket; see fuzz.test.ts). */
  localAddress?: string;
}

export function send(
  target: Target,
  agent: http.Agent,
  req: WireRequest,
  timeoutMs: number,
): Promise<Outcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    // Raw header arrays get no automatic Host, which HTTP/1.1 requires.
    const headers: [string, string][] = req.headers.some(([k]) => k === 'host')
      ? [...req.headers]
      : [['host', `${target.host}:${target.port}`], ...req.headers];
    // Always a length (0 without a body): node would otherwise send a POST chunked.
    headers.push(['content-length', String(req.body?.length ?? 0)]);
    let r: http.ClientRequest;
    try {
      r = http.request({
        host: target.host,
        port: target.port,
        localAddress: target.localAddress,
        method: req.method,
        path: req.target,
        headers: headers.flat(),
        agent,
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      resolve({ kind: 'error', code: `client:${e.code ?? 'ERR'}`, message: e.message, ms: 0 });
      return;
    }
    const timer = setTimeout(() => {
      done({ kind: 'timeout', ms: ms() });
      r.destroy(new Error('deadline'));
    }, timeoutMs);
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < KEEP_BYTES) chunks.push(c);
        size += c.length;
      });
      res.on('end', () =>
        done({
          kind: 'response',
          res: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) },
          ms: ms(),
        }),
      );
      res.on('error', (err: NodeJS.ErrnoException) =>
        done({ kind: 'error', code: err.code ?? 'ERR', message: err.message, ms: ms() }),
      );
    });
    r.on('error', (err: NodeJS.ErrnoException) =>
      done({ kind: 'error', code: err.code ?? 'ERR', message: err.message, ms: ms() }),
    );
    r.end(req.body);
  });
}
