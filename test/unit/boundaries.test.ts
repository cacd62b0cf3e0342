/**
 * The layers of DESIGN.md §6 are an ESLint rule that fails (eslint.config.mjs: import-x
 * no-restricted-paths zones and no-cycle). This proves the rule bites: deliberately wrong imports,
 * linted as if they were files of src/ (no file is written), each get the expected error, and the
 * allowed directions get none. ESLint runs in a child process (its configuration is an ES module,
 * which jest's CommonJS runtime cannot load) with the repository's own configuration, the type-aware
 * rules aside (the files do not exist, so TypeScript cannot type them; the import rules need no types).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Case {
  /** The file the code pretends to be, relative to the repository. */
  file: string;
  code: string;
}

const LINT = `
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
const cases = JSON.parse(await new Promise((ok) => { let s = ''; process.stdin.on('data', (d) => (s += d)); process.stdin.on('end', () => ok(s)); }));
// The files do not exist, so TypeScript's project cannot type them: the type-aware rules are off here.
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: tseslint.configs.disableTypeChecked });
const out = [];
for (const c of cases) {
  const [result] = await eslint.lintText(c.code, { filePath: c.file });
  out.push(result.messages.map((m) => ({ rule: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(out));
`;

function lint(cases: Case[]): { rule: string | null; message: string }[][] {
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', LINT], { cwd: ROOT, input: JSON.stringify(cases), encoding: 'utf8' });
  return JSON.parse(stdout) as { rule: string | null; message: string }[][];
}

const WRONG: (Case & { expect: RegExp })[] = [
  {
    file: 'src/graphql/wrong.ts',
    code: `export { incidentById } from '../modules/incidents/incident.service';\n`,
    expect: /toolkit \(src\/graphql\) imports no module/,
  },
  { file: 'src/graphql/wrong.ts', code: `export { buildHubSchema } from '../app/schema';\n`, expect: /toolkit \(src\/graphql\) imports no module/ },
  {
    file: 'src/auth/wrong.ts',
    code: `export { visibleIncidentsByIds } from '../modules/incidents/incident.repo';\n`,
    expect: /rulebook \(src\/auth\) may import a module’s entity/,
  },
  { file: 'src/auth/wrong.ts', code: `export { startHub } from '../server/app';\n`, expect: /rulebook \(src\/auth\) imports no transport/ },
  { file: 'src/auth/wrong.ts', code: `export { toGlobalId } from '../graphql/relay';\n`, expect: /only the toolkit’s errors/ },
  { file: 'src/db/wrong.ts', code: `export { incidentVisibleSql } from '../auth/views';\n`, expect: /src\/db imports nothing above it/ },
  {
    file: 'src/db/wrong.ts',
    code: `export { listIncidents } from '../modules/incidents/incident.service';\n`,
    expect: /src\/db imports nothing above it/,
  },
  { file: 'src/modules/notes/wrong.ts', code: `export { startHub } from '../../server/app';\n`, expect: /Modules never import the transport/ },
  { file: 'src/modules/notes/wrong.ts', code: `export { buildHubSchema } from '../../app/schema';\n`, expect: /Modules never import the transport/ },
  // A cycle between modules: incidents is below notes in MODULE_ORDER.
  {
    file: 'src/modules/incidents/wrong.ts',
    code: `export { addNote } from '../notes/note.service';\n`,
    expect: /Module order .*incidents may import only/,
  },
  {
    file: 'src/modules/organizations/wrong.ts',
    code: `export { createAccount } from '../accounts/account.service';\n`,
    expect: /Module order .*organizations may import only/,
  },
  // A cycle between files: relay.ts imports errors.ts.
  { file: 'src/graphql/errors.ts', code: `export { toGlobalId } from './relay';\n`, expect: /Dependency cycle/ },
];

const ALLOWED: Case[] = [
  {
    file: 'src/auth/allowed.ts',
    code: `export { INCIDENT_STATUSES } from '../modules/incidents/incident.entity';\nexport { badInput } from '../graphql/errors';\n`,
  },
  { file: 'src/db/allowed.ts', code: `export { IncidentEntity } from '../modules/incidents/incident.entity';\n` },
  {
    file: 'src/modules/notes/allowed.ts',
    code: `export { visibleIncidentsByIds } from '../incidents/incident.repo';\nexport { viewerOf } from '../../graphql/context';\n`,
  },
  { file: 'src/app/allowed.ts', code: `export { NoteResolver } from '../modules/notes/note.resolver';\nexport { startHub } from '../server/app';\n` },
];

describe('layer boundaries (eslint.config.mjs)', () => {
  let results: { rule: string | null; message: string }[][];
  beforeAll(() => {
    results = lint([...WRONG, ...ALLOWED]);
  }, 180_000);

  it.each(WRONG.map((c, i) => [`${c.file}: ${c.code.trim()}`, i] as const))('refuses %s', (_name, i) => {
    const boundary = results[i].filter((m) => m.rule === 'import-x/no-restricted-paths' || m.rule === 'import-x/no-cycle');
    expect(boundary.map((m) => m.message)).toEqual([expect.stringMatching(WRONG[i].expect)]);
  });

  it.each(ALLOWED.map((c, i) => [`${c.file}: ${c.code.trim().replace(/\n/g, '; ')}`, WRONG.length + i] as const))('allows %s', (_name, i) => {
    expect(results[i]).toEqual([]);
  });
});
