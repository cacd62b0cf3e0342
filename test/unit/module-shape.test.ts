/**
 * Every module has the same shape (DESIGN.md §6): resolvers map arguments, services hold transactions,
 * repos hold SQL. This reads src/modules/** and fails when
 *  (a) a file other than a repo (`*.repo.ts`), a compiled read (`*.read.ts`, repo-level code that builds
 *      one statement from a selection; `*.compiled.ts`, the same for a compiled answer whose JSON
 *      PostgreSQL builds, src/graphql/compiled.ts), an entity (`*.entity.ts`) or a migration holds a
 *      `sql` template or calls `.query(`;
 *  (b) a resolver (`*.resolver.ts`) imports from src/db/ anything but types.
 * Comment lines are not read (they may name the rules). The scanner is proved to bite on sample files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { typeScriptFiles } from '../harness/source-files';

const ROOT = path.resolve(__dirname, '..', '..');
const MODULES = path.join(ROOT, 'src', 'modules');

/**
 * Files that may break a rule, each with the reason (path relative to the repository). None is needed
 * today; an entry must say why its code cannot live in a repo (or why its resolver needs src/db/).
 */
const EXCEPTIONS: ReadonlyMap<string, { rule: Rule; reason: string }> = new Map();

type Rule = 'sql-outside-repo' | 'resolver-imports-db';

/** Where SQL may be written: repos, compiled reads and answers, entities, migrations. */
function isSqlHome(file: string): boolean {
  return /\.(repo|read|compiled|entity)\.ts$/.test(file) || file.split('/').includes('migrations');
}

/** A `sql` template, or a `.query(` call (with or without type arguments: `.query<Row>(`). */
const SQL_RE = /\bsql`|\.query\s*(?:<.*?>)?\s*\(/;
const COMMENT_RE = /^\s*(\/\/|\*|\/\*)/;

/** Every module path a file imports or re-exports, and whether it takes types only. */
function importsOf(text: string): { from: string; typesOnly: boolean }[] {
  const out: { from: string; typesOnly: boolean }[] = [];
  const code = text
    .split('\n')
    .filter((l) => !COMMENT_RE.test(l))
    .join('\n');
  for (const m of code.matchAll(/^\s*(?:import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    const [, typeKeyword, clause, from] = m;
    const named = /^\{([\s\S]*)\}$/.exec(clause.trim());
    const specifiers = named
      ? named[1]
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
    out.push({ from, typesOnly: !!typeKeyword || (specifiers.length > 0 && specifiers.every((s) => s.startsWith('type '))) });
  }
  for (const m of code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) out.push({ from: m[1], typesOnly: false });
  for (const m of code.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ from: m[1], typesOnly: false });
  return out;
}

/** The rule breaks of one file (`file` relative to the repository, with forward slashes). */
function violations(file: string, text: string): { rule: Rule; at: string }[] {
  const out: { rule: Rule; at: string }[] = [];
  if (!isSqlHome(file)) {
    text.split('\n').forEach((line, i) => {
      if (!COMMENT_RE.test(line) && SQL_RE.test(line)) out.push({ rule: 'sql-outside-repo', at: `${file}:${i + 1} ${line.trim()}` });
    });
  }
  if (file.endsWith('.resolver.ts')) {
    for (const imp of importsOf(text)) {
      if (!imp.from.startsWith('.') || imp.typesOnly) continue;
      const target = path.posix.join(path.posix.dirname(file), imp.from);
      if (target === 'src/db' || target.startsWith('src/db/')) out.push({ rule: 'resolver-imports-db', at: `${file} imports ${imp.from}` });
    }
  }
  return out;
}

const relative = (full: string) => path.relative(ROOT, full).split(path.sep).join('/');

describe('module shape (DESIGN.md §6)', () => {
  const modules = fs
    .readdirSync(MODULES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

  it('SQL only in repos, compiled reads, entities and migrations; resolvers import no src/db/ code', () => {
    const found = modules
      .flatMap((m) => typeScriptFiles(path.join(MODULES, m)))
      .map(relative)
      .flatMap((f) => violations(f, fs.readFileSync(path.join(ROOT, f), 'utf8')).filter((v) => EXCEPTIONS.get(f)?.rule !== v.rule))
      .map((v) => `${v.rule}: ${v.at}`);
    expect(found).toEqual([]);
  });

  it('every exception still breaks its rule', () => {
    const stale = [...EXCEPTIONS].filter(
      ([f, e]) => !fs.existsSync(path.join(ROOT, f)) || !violations(f, fs.readFileSync(path.join(ROOT, f), 'utf8')).some((v) => v.rule === e.rule),
    );
    expect(stale.map(([f]) => f)).toEqual([]);
  });

  const WRONG: { file: string; text: string; rule: Rule }[] = [
    { file: 'src/modules/incidents/wrong.service.ts', text: 'const row = await q.one(sql`select 1 as x`);\n', rule: 'sql-outside-repo' },
    { file: 'src/modules/subscriptions/wrong.ts', text: "await client.query('listen hub_events');\n", rule: 'sql-outside-repo' },
    { file: 'src/modules/notifications/wrong.commands.ts', text: 'return ctx.db.query<Row>(statement);\n', rule: 'sql-outside-repo' },
    { file: 'src/modules/incidents/wrong.resolver.ts', text: "import { sql } from '../../db/sql';\n", rule: 'resolver-imports-db' },
    {
      file: 'src/modules/incidents/wrong.resolver.ts',
      text: "import {\n  type Db,\n  isConnectionError,\n} from '../../db/db';\n",
      rule: 'resolver-imports-db',
    },
    { file: 'src/modules/directives/wrong.resolver.ts', text: "export { EVENT_CHANNEL } from '../../db/channels';\n", rule: 'resolver-imports-db' },
  ];

  const ALLOWED: { file: string; text: string }[] = [
    { file: 'src/modules/incidents/example.repo.ts', text: 'return db.query<Row>(sql`select 1 as x`);\n' },
    { file: 'src/modules/incidents/example.read.ts', text: 'return sql`select v.* from (${page}) v`;\n' },
    { file: 'src/modules/incidents/example.compiled.ts', text: 'return sql`select ${json} as data`;\n' },
    { file: 'src/modules/incidents/migrations/Migration1.ts', text: "this.addSql('select 1'); await knex.query(sql`select 1`);\n" },
    {
      file: 'src/modules/incidents/example.service.ts',
      text: '// a comment may say sql`select 1` and .query(\nconst row = await visibleIncidentById(q, viewer, id);\n',
    },
    {
      file: 'src/modules/incidents/example.resolver.ts',
      text: "import type { Db } from '../../db/db';\nimport { type Row, type Queryable } from '../../db/db';\nimport { viewerOf } from '../../graphql/context';\n",
    },
  ];

  it.each(WRONG.map((c, i) => [`${c.file}: ${c.text.trim().replace(/\n\s*/g, ' ')}`, i] as const))('refuses %s', (_name, i) => {
    expect(violations(WRONG[i].file, WRONG[i].text).map((v) => v.rule)).toEqual([WRONG[i].rule]);
  });

  it.each(ALLOWED.map((c, i) => [`${c.file}: ${c.text.trim().replace(/\n\s*/g, ' ')}`, i] as const))('allows %s', (_name, i) => {
    expect(violations(ALLOWED[i].file, ALLOWED[i].text)).toEqual([]);
  });
});
