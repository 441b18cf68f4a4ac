/**
 * Random WebSocket frames at /api/v1/stream while the HTTP fuzzer runs: text, JSON of every
 * shape, near-valid client messages, binary, oversize and deeply nested frames, on sockets
 * opened with a real session (mostly), a bad one or none. It checks one thing only: the server
 * survives (per-frame answers are the stream suite's business).
 */
import fc from 'fast-check';
import WebSocket from 'ws';

type FrameDesc =
  | { k: 'text'; text: string }
  | { k: 'binary'; bytes: Uint8Array }
  | { k: 'oversize'; size: number }
  | { k: 'deep'; depth: number };

export interface BarrageStats {
  framesSent: number;
  socketsOpened: number;
  upgradesRefused: number;
  closeCodes: Record<string, number>;
  /** The frames most recently sent (for a report when the server died). */
  lastFrames: string[];
  died: boolean;
}

function frameArb(threadIds: string[]): fc.Arbitrary<FrameDesc> {
  const text = (a: fc.Arbitrary<string>) => a.map((t): FrameDesc => ({ k: 'text', text: t }));
  const threadId = fc.oneof(
    fc.constantFrom(...threadIds),
    fc.uuid({ version: 7 }),
    fc.string(),
    fc.integer(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.constant({ toString: 1 }),
  );
  const message = fc
    .record(
      {
        type: fc.oneof(
          fc.constantFrom(
            'subscribe',
            'unsubscribe',
            'ping',
            'pong',
            '',
            'SUBSCRIBE',
            'constructor',
            '__proto__',
          ),
          fc.string(),
          fc.integer(),
          fc.constant(null),
        ),
        threadId,
        id: fc.integer(),
        data: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((m) => JSON.stringify(m));
  return fc.oneof(
    { weight: 6, arbitrary: text(message) },
    { weight: 4, arbitrary: text(fc.json()) },
    { weight: 4, arbitrary: text(fc.string()) },
    { weight: 2, arbitrary: text(fc.string({ unit: 'binary' })) },
    {
      weight: 2,
      arbitrary: text(
        fc.constantFrom(
          'null',
          '[]',
          '1',
          '"x"',
          'true',
          '{}',
          '{"type":null}',
          '{"type":{"a":1}}',
          '{"__proto__":{"type":"ping"}}',
          '{"type":"subscribe"}',
          '{"type":"subscribe","threadId":null}',
          '{"type":"ping"',
          '\u0000',
          '\ud800',
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 2048 })
        .map((b): FrameDesc => ({ k: 'binary', bytes: b })),
    },
    {
      // Over the server's frame limit (1 MiB): the socket is closed (1009) and reopened.
      weight: 1,
      arbitrary: fc
        .constantFrom((1 << 20) + 1, 2 << 20)
        .map((size): FrameDesc => ({ k: 'oversize', size })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(1000, 50_000).map((depth): FrameDesc => ({ k: 'deep', depth })),
    },
  );
}

function payload(f: FrameDesc): string | Buffer {
  switch (f.k) {
    case 'text':
      return f.text;
    case 'binary':
      return Buffer.from(f.bytes);
    case 'oversize':
      return `{"type":"subscribe","threadId":"${'x'.repeat(f.size)}"}`;
    case 'deep':
      return '['.repeat(f.depth) + ']'.repeat(f.depth);
  }
}

function describe(f: FrameDesc): string {
  switch (f.k) {
    case 'text':
      return `text ${JSON.stringify(f.text.length > 120 ? `${f.text.slice(0, 120)}…` : f.text)}`;
    case 'binary':
      return `binary ${f.bytes.length} bytes`;
    case 'oversize':
      return `oversize text ${f.size} bytes`;
    case 'deep':
      return `deep [[…]] ${f.depth}`;
  }
}

export interface Barrage {
  stop(): Promise<BarrageStats>;
}

/**
 * Starts `sockets` senders that cycle through seeded frames until stopped. `alive()` tells a
 * dead server from a refused socket; on death the barrage stops itself.
 */
export function startBarrage(opts: {
  wsUrl: string;
  tokens: string[];
  threadIds: string[];
  seed: number;
  frames: number;
  sockets: number;
  localAddress?: string;
  alive: () => boolean;
}): Barrage {
  const frames = fc.sample(frameArb(opts.threadIds), { seed: opts.seed, numRuns: opts.frames });
  const auth = fc.sample(fc.nat({ max: 9 }), { seed: opts.seed + 1, numRuns: 1000 });
  const stats: BarrageStats = {
    framesSent: 0,
    socketsOpened: 0,
    upgradesRefused: 0,
    closeCodes: {},
    lastFrames: [],
    died: false,
  };
  let stopping = false;
  let next = 0;
  let opened = 0;

  const open = (): Promise<WebSocket | null> => {
    const a = auth[opened++ % auth.length]!;
    // Mostly a real session; sometimes a bad token, none, or a bad ?since=.
    const headers: Record<string, string> =
      a === 0
        ? {}
        : a === 1
          ? { authorization: 'Bearer not-a-session' }
          : { authorization: `Bearer ${opts.tokens[a % opts.tokens.length]}` };
    const query = a === 2 ? '?since=-1' : a === 3 ? '?since=abc' : a === 4 ? '?since=0' : '';
    const ws = new WebSocket(`${opts.wsUrl}${query}`, { headers, localAddress: opts.localAddress });
    stats.socketsOpened++;
    return new Promise((resolve) => {
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (req, res) => {
        stats.upgradesRefused++;
        req.destroy();
        res.resume();
        resolve(null);
      });
      ws.on('error', () => resolve(null));
      ws.on('close', (code) => {
        stats.closeCodes[code] = (stats.closeCodes[code] ?? 0) + 1;
      });
      ws.on('message', () => {});
    });
  };

  const worker = async () => {
    let ws: WebSocket | null = null;
    while (!stopping) {
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        ws?.terminate();
        ws = await open();
        if (!ws) {
          if (!opts.alive()) break;
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
      }
      const f = frames[next++ % frames.length]!;
      stats.lastFrames.push(describe(f));
      if (stats.lastFrames.length > 12) stats.lastFrames.shift();
      const socket = ws;
      await new Promise<void>((resolve) => socket.send(payload(f), () => resolve()));
      stats.framesSent++;
      await new Promise((r) => setTimeout(r, f.k === 'oversize' ? 250 : 40));
      if (!opts.alive()) break;
    }
    ws?.terminate();
  };
  const workers = Array.from({ length: opts.sockets }, () => worker());
  const watch = (async () => {
    while (!stopping) {
      if (!opts.alive()) {
        stats.died = true;
        stopping = true;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      stopping = true;
      await Promise.all(workers);
      await watch;
      return stats;
    },
  };
}
