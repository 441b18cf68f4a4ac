/**
 * The error catalogue checks itself (as Fastify's tests check its error reference): every code
 * of src/shared/errors.ts is documented in docs/api.md under its status, is raised somewhere in
 * src/server, and is in the OpenAPI document's ErrorResponse enum; and docs/api.md lists no code
 * the catalogue does not have.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue, type ErrorCode } from '../src/shared/errors.ts';
import { createTestApp, type TestContext } from './support/context.ts';

const root = path.resolve(import.meta.dirname, '..');
const codes = Object.keys(errorCatalogue) as ErrorCode[];
const isCode = (s: string): s is ErrorCode => Object.hasOwn(errorCatalogue, s);

/**
 * Codes of the catalogue that no server code raises, each with why it stays. The test fails
 * when one of these starts being raised (take it off the list) as much as when a code not on
 * the list is raised nowhere.
 */
const NOT_RAISED: Partial<Record<ErrorCode, string>> = {
  // Nothing in src/server answers 503 except query_timeout; the web client translates the code
  // (src/client/i18n). Kept until someone decides whether removing it is a behaviour change.
  service_unavailable: 'in the catalogue and the docs, raised nowhere yet',
};

// ---------------------------------------------------------------------------------------------
// docs/api.md: the "## Errors" section has a table `| status | codes |`, one row per status; a
// row's codes are the backticked names at its top level (separated by `,` or `;`), and whatever
// is in parentheses after a code describes it.

interface DocRow {
  line: number;
  status: number;
  codes: string[];
  /** Top-level items of the cell that are not one backticked code. */
  unreadable: string[];
}

/** The cell without its parenthesised remarks (nested, and not counting parens in `code`). */
function topLevel(cell: string): string {
  let depth = 0;
  let inCode = false;
  let out = '';
  for (const c of cell) {
    if (c === '`') inCode = !inCode;
    else if (!inCode && c === '(') {
      depth++;
      continue;
    } else if (!inCode && c === ')') {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (depth === 0) out += c;
  }
  return out;
}

function readErrorsTable(): DocRow[] {
  const lines = fs.readFileSync(path.join(root, 'docs/api.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => /^## Errors\s*$/.test(l));
  expect(start, 'docs/api.md has a "## Errors" section').toBeGreaterThanOrEqual(0);
  const rows: DocRow[] = [];
  for (let i = start + 1; i < lines.length && !/^## /.test(lines[i]!); i++) {
    const m = /^\|\s*(\d{3})\s*\|(.*)\|\s*$/.exec(lines[i]!);
    if (!m) continue;
    const row: DocRow = { line: i + 1, status: Number(m[1]), codes: [], unreadable: [] };
    for (const item of topLevel(m[2]!).split(/[,;]/)) {
      const text = item.trim();
      if (!text) continue;
      const code = /^`([a-z][a-z0-9_]*)`$/.exec(text)?.[1];
      if (code) row.codes.push(code);
      else row.unreadable.push(text);
    }
    rows.push(row);
  }
  return rows;
}

describe('docs/api.md documents the catalogue', () => {
  const rows = readErrorsTable();
  const listed = rows.flatMap((r) => r.codes.map((code) => ({ code, row: r })));

  it('has the errors table, every item of which is one backticked code', () => {
    expect(rows.length, 'rows `| status | codes |` in the Errors section').toBeGreaterThan(0);
    const unreadable = rows.flatMap((r) => r.unreadable.map((t) => `api.md:${r.line}: ${t}`));
    expect(unreadable, 'items of the errors table that are not one `code`').toEqual([]);
    const statuses = rows.map((r) => r.status);
    const repeated = statuses.filter((s, i) => statuses.indexOf(s) !== i);
    expect(repeated, 'statuses with more than one row in the errors table').toEqual([]);
  });

  it('lists every code of the catalogue', () => {
    const documented = new Set(listed.map((l) => l.code));
    const missing = codes.filter((c) => !documented.has(c));
    expect(missing, 'catalogue codes missing from the errors table of docs/api.md').toEqual([]);
  });

  it('lists no code the catalogue lacks, and none twice', () => {
    const unknown = listed
      .filter((l) => !isCode(l.code))
      .map((l) => `${l.code} (line ${l.row.line})`);
    expect(unknown, 'codes in docs/api.md that src/shared/errors.ts does not have').toEqual([]);
    const seen = listed.map((l) => l.code);
    const twice = [...new Set(seen.filter((c, i) => seen.indexOf(c) !== i))];
    expect(twice, 'codes listed more than once in the errors table').toEqual([]);
  });

  it('lists each code under the status the catalogue sends it with', () => {
    const wrong = listed
      .filter((l) => isCode(l.code) && errorCatalogue[l.code].status !== l.row.status)
      .map(
        (l) =>
          `${l.code}: api.md:${l.row.line} says ${l.row.status}, ` +
          `the catalogue ${errorCatalogue[l.code as ErrorCode].status}`,
      );
    expect(wrong, 'codes documented under another status').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// src/server: a code is raised where its name is a string literal — `new AppError('code')`, a
// helper (`notFound()` → 'not_found'), the error handler's tables and bodies, the realtime
// gateway's `error` frames, or a union of codes a caller picks from. Comments do not count: the
// files are parsed, and only string literals (and template literals without substitutions) are
// collected, wherever they are.

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every catalogue code that appears as a string literal, with the files it appears in. */
function codesRaisedIn(dir: string): Map<ErrorCode, string[]> {
  const found = new Map<ErrorCode, string[]>();
  for (const file of sourceFiles(dir)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const visit = (node: ts.Node): void => {
      if (
        (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
        isCode(node.text)
      ) {
        const files = found.get(node.text) ?? [];
        const rel = path.relative(root, file);
        if (!files.includes(rel)) files.push(rel);
        found.set(node.text, files);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('src/server raises every code of the catalogue', () => {
  const raised = codesRaisedIn(path.join(root, 'src/server'));

  it('every code is raised somewhere (or is on NOT_RAISED, with a reason)', () => {
    const unused = codes.filter((c) => !raised.has(c) && !(c in NOT_RAISED));
    expect(unused, 'catalogue codes that no file in src/server raises').toEqual([]);
  });

  it('NOT_RAISED holds only catalogue codes that are still raised nowhere', () => {
    const stale = Object.keys(NOT_RAISED).filter((c) => !isCode(c) || raised.has(c));
    expect(stale, 'NOT_RAISED entries that are raised now (or not in the catalogue)').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The OpenAPI document: every 4xx/5xx response is ErrorResponse (one shared schema in
// components.schemas, referenced by each route, or inlined and titled `ErrorResponse`), whose
// error.code is an enum of exactly the catalogue's codes.

interface Schema {
  $ref?: string;
  title?: string;
  properties?: Record<string, Schema>;
  enum?: unknown[];
}
interface OpenApiDoc {
  components?: { schemas?: Record<string, Schema> };
  paths: Record<
    string,
    Record<
      string,
      { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }
    >
  >;
}

/** How an `enum` differs from the catalogue's codes, in words; null when it is the same list. */
function enumDifference(codeEnum: unknown[] | undefined): string | null {
  if (!Array.isArray(codeEnum)) return 'error.code has no enum';
  if (JSON.stringify(codeEnum) === JSON.stringify(codes)) return null;
  const missing = codes.filter((c) => !codeEnum.includes(c));
  const extra = codeEnum.filter((c) => !codes.includes(c as ErrorCode));
  if (missing.length === 0 && extra.length === 0) return 'enum in another order than the catalogue';
  return `enum lacks [${missing.join(', ')}], has extra [${extra.join(', ')}]`;
}

describe('the OpenAPI document', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => ctx?.close());

  it('ErrorResponse.error.code is an enum of the catalogue codes (/docs/json and /openapi.json)', async () => {
    for (const url of ['/docs/json', '/openapi.json']) {
      const res = await ctx.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      const doc = res.json() as OpenApiDoc;
      let seen = 0;
      /** How an enum differs from the catalogue → where (method, path, status). */
      const wrong = new Map<string, string[]>();
      for (const [route, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          for (const [status, response] of Object.entries(operation.responses ?? {})) {
            if (!/^[45]/.test(status)) continue;
            for (const { schema: declared } of Object.values(response.content ?? {})) {
              const ref = declared?.$ref?.replace('#/components/schemas/', '');
              const schema = ref ? doc.components?.schemas?.[ref] : declared;
              if (schema?.title !== 'ErrorResponse') continue;
              seen++;
              const codeEnum = schema.properties?.error?.properties?.code?.enum;
              const difference = enumDifference(codeEnum);
              if (difference) {
                const where = wrong.get(difference) ?? [];
                where.push(`${method.toUpperCase()} ${route} ${status}`);
                wrong.set(difference, where);
              }
            }
          }
        }
      }
      const report = [...wrong].map(
        ([difference, where]) => `${difference} in ${where.length} responses, e.g. ${where[0]}`,
      );
      expect(seen, `${url}: responses whose schema is ErrorResponse`).toBeGreaterThan(0);
      expect(report, `${url}: ErrorResponse whose error.code enum is not the catalogue's`).toEqual(
        [],
      );
    }
  });

  it('errors are still serialised through the enum schema', async () => {
    const notFound = await ctx.app.inject({ url: '/api/v1/no-such-route' });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json()).toMatchObject({ error: { code: 'route_not_found' } });
    const unauthenticated = await ctx.app.inject({ url: '/api/v1/me' });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.json()).toEqual({
      error: { code: 'unauthenticated', message: expect.any(String) },
    });
  });
});
