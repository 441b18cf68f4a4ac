import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { closeAll, launchBrowser } from './browser.ts';
import { freePort, processStorage, startServer, type RunningServer } from './server.ts';

export type Auth = { token: string; user: { id: string } };

/**
 * A browser journey's fixtures: a real server process on this project's database (started as
 * `npm start` does, on a fresh data directory or PostgreSQL database) and one Chromium, made
 * before the file's tests and removed after them. `call` is the API as another app uses it
 * (bearer tokens, JSON), for what the journey does not do through the page.
 */
export function browserSuite(name: string) {
  let storage: Awaited<ReturnType<typeof processStorage>>;
  let server: RunningServer | undefined;
  let browser: Browser;
  let port: number;
  beforeAll(async () => {
    storage = await processStorage(name);
    port = await freePort();
    server = await startServer(storage.env, port);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await closeAll(browser);
    await server?.stop();
    await storage?.remove();
  });
  const suite = {
    get server(): RunningServer {
      if (!server) throw new Error('the server is stopped');
      return server;
    },
    get browser() {
      return browser;
    },
    /** The environment the server runs with (its data directory or database), for CLIs. */
    get env(): Record<string, string> {
      return storage.env;
    },
    /** Stops the server (gracefully); `startServer` brings it back on the same port and data. */
    async stopServer() {
      await server?.stop();
      server = undefined;
    },
    async startServer() {
      server = await startServer(storage.env, port);
    },
    async call<T>(method: string, url: string, token?: string, body?: unknown): Promise<T> {
      const res = await fetch(`${suite.server.url}/api/v1${url}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    /**
     * A public group (for the taxonomy's first interest) and a thread in it, made by `token`'s
     * owner through the API: set-up a journey needs but does not test.
     */
    async groupWithThread(
      token: string,
      g: { name: string; description: string },
      t: { title: string; body: string },
    ) {
      const taxonomy = await suite.call<{ items: { interests: { id: string }[] }[] }>(
        'GET',
        '/interests',
      );
      const group = await suite.call<{ id: string }>('POST', '/groups', token, {
        ...g,
        interestIds: [taxonomy.items[0]!.interests[0]!.id],
        visibility: 'public',
      });
      const thread = await suite.call<{ id: string; firstPost: { id: string } }>(
        'POST',
        `/groups/${group.id}/threads`,
        token,
        t,
      );
      return { group, thread };
    },
  };
  return suite;
}
