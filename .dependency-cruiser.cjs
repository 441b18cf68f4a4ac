/**
 * The import rules docs/ARCHITECTURE.md states, checked by dependency-cruiser in `npm run check`
 * (`npm run depcruise`). Type-only imports count: a cycle through types is still a cycle of
 * knowledge. test/dependency-rules.test.ts shows each rule failing on a file that breaks it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle, type-only imports included.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'platform-imports-no-module',
      severity: 'error',
      comment: 'Platform code serves every module and knows none of them.',
      from: { path: '^src/server/platform/' },
      to: { path: '^src/server/(modules|demo|seed)/|^src/server/(app|services|routes|main)\\.ts$' },
    },
    {
      name: 'module-through-its-index',
      severity: 'error',
      comment:
        "A module imports another only through that module's index.ts, never its files (its repository least of all).",
      from: { path: '^src/server/modules/([^/]+)/' },
      to: {
        path: '^src/server/modules/[^/]+/',
        pathNot: ['^src/server/modules/$1/', '^src/server/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'no-foreign-repository',
      severity: 'error',
      comment: "Only a module's own files import its repository.",
      from: { path: '^src/server/(?!modules/)|^src/server/modules/([^/]+)/' },
      to: {
        path: '^src/server/modules/[^/]+/[^/]+\\.repository\\.ts$',
        pathNot: '^src/server/modules/$1/',
      },
    },
    {
      name: 'barrel-exports-no-repository',
      severity: 'error',
      comment:
        "A module's index.ts never re-exports its repository: other code asks the module's services, which decide how its tables change.",
      from: { path: '^src/server/modules/[^/]+/index\\.ts$' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'outside-through-index',
      severity: 'error',
      comment:
        "Server code outside the modules (app, services, main, demo, seed) imports a module through its index.ts; routes.ts alone wires each module's *.routes.ts.",
      from: { path: '^src/server/(?!modules/)', pathNot: '^src/server/routes\\.ts$' },
      to: {
        path: '^src/server/modules/[^/]+/',
        pathNot: '^src/server/modules/[^/]+/index\\.ts$',
      },
    },
    {
      name: 'routes-only-from-the-wiring',
      severity: 'error',
      comment:
        'Route files are registered in src/server/routes.ts only; barrels do not export them.',
      from: { path: '^src/', pathNot: '^src/server/routes\\.ts$' },
      to: { path: '^src/server/modules/[^/]+/[^/]+\\.routes\\.ts$' },
    },
    {
      name: 'client-imports-client-and-shared',
      severity: 'error',
      comment: 'The web client imports only src/client and src/shared (and packages).',
      from: { path: '^src/client/' },
      to: { path: '^src/', pathNot: '^src/(client|shared)/' },
    },
    {
      name: 'shared-imports-only-shared',
      severity: 'error',
      comment: 'src/shared is imported by server and client and imports neither.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/|\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
