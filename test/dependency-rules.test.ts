import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * `npm run check` runs dependency-cruiser with the rules of docs/ARCHITECTURE.md
 * (.dependency-cruiser.cjs). Here each rule is shown failing: probe files that break one rule
 * each are written into the tree, the same command cruises them, and the output must name
 * every rule on its probe. The probes are removed afterwards.
 */
const run = promisify(execFile);
const tag = `probe${process.pid}`;

/** file (relative to the repo) → its source; each breaks the rule it is keyed under. */
const probes: Record<string, { file: string; source: string }[]> = {
  'module-through-its-index': [
    {
      file: `src/server/modules/wallet/${tag}-a.ts`,
      source: `import { distanceKm } from '../activities/geo.ts';\nexport const a = distanceKm;\n`,
    },
  ],
  'no-foreign-repository': [
    {
      file: `src/server/modules/wallet/${tag}-b.ts`,
      source: `import { ActivitiesRepository } from '../activities/activities.repository.ts';\nexport const b = ActivitiesRepository;\n`,
    },
  ],
  'no-circular': [
    {
      file: `src/server/modules/wallet/${tag}-c1.ts`,
      source: `import type { C2 } from './${tag}-c2.ts';\nexport type C1 = { next?: C2 };\n`,
    },
    {
      file: `src/server/modules/wallet/${tag}-c2.ts`,
      source: `import type { C1 } from './${tag}-c1.ts';\nexport type C2 = { next?: C1 };\n`,
    },
  ],
  'platform-imports-no-module': [
    {
      file: `src/server/platform/${tag}-d.ts`,
      source: `import { WalletService } from '../modules/wallet/index.ts';\nexport const d = WalletService;\n`,
    },
  ],
  'routes-only-from-the-wiring': [
    {
      file: `src/server/modules/wallet/${tag}-e.ts`,
      source: `import { walletRoutes } from './wallet.routes.ts';\nexport const e = walletRoutes;\n`,
    },
  ],
  'client-imports-client-and-shared': [
    {
      file: `src/client/${tag}-f.ts`,
      source: `import { taxonomy } from '../server/modules/interests/index.ts';\nexport const f = taxonomy;\n`,
    },
  ],
  'shared-imports-only-shared': [
    {
      file: `src/shared/${tag}-g.ts`,
      source: `import type { Config } from '../server/platform/config.ts';\nexport type G = Config;\n`,
    },
  ],
};

describe('npm run check: the import rules', () => {
  it('passes on the tree as it is', async () => {
    // Probes of a run in the other project (both run at once) are left out.
    const r = await run('npx', [
      'depcruise',
      'src',
      '--config',
      '.dependency-cruiser.cjs',
      '--output-type',
      'err',
      '--exclude',
      '(^|/)dist/|\\.test\\.ts$|probe[0-9]+-',
    ]).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
    expect(r.stdout).toContain('no dependency violations found');
  }, 120_000);

  it('fails on a file that breaks each rule, naming the rule and the file', async () => {
    const files = Object.values(probes).flat();
    try {
      for (const p of files) fs.writeFileSync(path.resolve(p.file), p.source);
      const err = await run('npx', [
        'depcruise',
        ...files.map((p) => p.file),
        '--config',
        '.dependency-cruiser.cjs',
        '--output-type',
        'err',
      ]).then(
        () => null,
        (e: { code: number; stdout: string }) => e,
      );
      expect(err, 'depcruise must exit non-zero').not.toBeNull();
      const lines = err!.stdout.split('\n').filter((l) => l.includes('error '));
      for (const [rule, ps] of Object.entries(probes)) {
        const hit = lines.find((l) => l.includes(`error ${rule}:`) && l.includes(ps[0]!.file));
        expect(hit, `${rule} should be reported for ${ps[0]!.file}:\n${err!.stdout}`).toBeTruthy();
      }
    } finally {
      for (const p of files) fs.rmSync(path.resolve(p.file), { force: true });
    }
  }, 120_000);
});
