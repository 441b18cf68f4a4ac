import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { checkCounters, type CounterViolation } from '../../src/server/counters-check.ts';
import type { TestContext } from './context.ts';
import { markedEnv } from './server.ts';

/** A kind of violation a test knows it causes itself, and why (it must say). */
export interface KnownDrift {
  table: string;
  column: string;
  because: string;
}

/**
 * Asserts that `counters:check` finds every counter in step with its rows. `known` leaves out
 * drift the calling test makes itself by writing rows directly (each says why).
 */
export async function expectCountersOk(ctx: TestContext, known: KnownDrift[] = []) {
  await ctx.app.services.dispatcher.drain();
  const violations = await checkCounters(ctx.database.db, ctx.database.dialect);
  const left = violations.filter(
    (v) => !known.some((k) => k.table === v.table && k.column === v.column),
  );
  expect(left).toEqual([]);
  return violations;
}

/** The violations of one table and column, for tests that tamper with one counter. */
export const violationsOf = (vs: CounterViolation[], table: string, column: string) =>
  vs.filter((v) => v.table === table && v.column === column);

/**
 * `npm run counters:check` on the database the environment names, as an operator runs it
 * (like `ledgerCheck`); killed with its process group if it has not finished in `timeoutMs`.
 */
export function countersCheck(
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'counters:check'], {
      env: markedEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n(counters:check still running after ${timeoutMs} ms: killed)`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}
