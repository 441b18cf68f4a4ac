import WebSocket from 'ws';
import type { Frame } from '../../src/shared/realtime.ts';

export interface StreamClient {
  frames: Frame[];
  /** Resolves with the next frame (after those already taken) matching `pred`. */
  next(pred?: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Waits briefly and returns frames matching `pred` that arrived (for "nothing came" checks). */
  settle(ms?: number): Promise<Frame[]>;
  send(msg: unknown): void;
  close(): Promise<void>;
  ws: WebSocket;
}

/** Opens the stream as a user (bearer token), optionally resuming after `since`. */
export async function openStream(
  baseUrl: string,
  token: string,
  since?: number,
): Promise<StreamClient> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/stream${since !== undefined ? `?since=${since}` : ''}`;
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const frames: Frame[] = [];
  let taken = 0;
  const waiters: (() => void)[] = [];
  ws.on('message', (raw) => {
    frames.push(JSON.parse(raw.toString()) as Frame);
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`closed ${code}`)));
    ws.once('error', reject);
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
  });
  const client: StreamClient = {
    frames,
    ws,
    async next(pred = () => true, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (taken < frames.length) {
          const f = frames[taken++]!;
          if (pred(f)) return f;
        }
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no matching frame; got ${JSON.stringify(frames.map((f) => f.type))}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    async settle(ms = 300) {
      await new Promise((r) => setTimeout(r, ms));
      return frames;
    },
    send(msg) {
      ws.send(JSON.stringify(msg));
    },
    async close() {
      if (ws.readyState === ws.CLOSED) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000);
        ws.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        ws.close();
      });
    },
  };
  return client;
}
