import WebSocket from 'ws';

/**
 * A stream socket for robustness tests: sends raw frames (text, binary, invalid UTF-8) and keeps
 * every message and the close code, so a test can say exactly what came back and how it ended.
 */
export interface RawSocket {
  ws: WebSocket;
  /** Every message received, parsed as JSON (a message that is not JSON is kept as a string). */
  messages: unknown[];
  /** Resolves with the close code and reason once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `n` messages have arrived; rejects if the socket closes first or on timeout. */
  waitFor(n: number, timeoutMs?: number): Promise<unknown[]>;
  /** Resolves with the close code; rejects if the socket is still open after the timeout. */
  waitClose(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export async function openRaw(baseUrl: string, token: string): Promise<RawSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const messages: unknown[] = [];
  const listeners = new Set<() => void>();
  let closeInfo: { code: number; reason: string } | null = null;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => {
      closeInfo = { code, reason: reason.toString() };
      resolve(closeInfo);
      for (const l of listeners) l();
    }),
  );
  ws.on('message', (raw) => {
    const text = raw.toString();
    try {
      messages.push(JSON.parse(text));
    } catch {
      messages.push(text);
    }
    for (const l of listeners) l();
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`closed ${code} before opening`)));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
  });
  const until = (done: () => boolean, timeoutMs: number, what: () => string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        let ok: boolean;
        try {
          ok = done();
        } catch (err) {
          cleanup();
          reject(err as Error);
          return;
        }
        if (!ok) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what()}`));
      }, timeoutMs);
      const listener = () => check();
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
      check();
    });
  return {
    ws,
    messages,
    closed,
    async waitFor(n, timeoutMs = 10_000) {
      await until(
        () => {
          if (messages.length >= n) return true;
          if (closeInfo) throw new Error(`closed ${closeInfo.code} after ${messages.length}/${n}`);
          return false;
        },
        timeoutMs,
        () => `${n} messages (got ${messages.length}: ${JSON.stringify(messages).slice(0, 500)})`,
      );
      return messages.slice(0, n);
    },
    async waitClose(timeoutMs = 10_000) {
      await until(
        () => closeInfo !== null,
        timeoutMs,
        () => 'the socket to close',
      );
      return closeInfo!;
    },
    async close() {
      if (ws.readyState === ws.CLOSED) return;
      ws.close();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
      ws.terminate();
    },
  };
}

/** A small HTTP client (fetch) for tests that talk to a listening server or a real process. */
export function httpClient(baseUrl: string) {
  return async function call<T = unknown>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}
