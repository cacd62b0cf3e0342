/**
 * Nothing outside src/auth/ decides authorization (DESIGN.md §6 "One rulebook, one projection"): no
 * module throws FORBIDDEN except through the decision function's answer, asks the viewer's capabilities
 * or organization itself, or compares views. Modules ask the rulebook (decide.ts, projection.ts, views.ts,
 * ctx.authz) and act on its answer. The scanner is proved to bite on a sample of each violation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { typeScriptFiles } from '../harness/source-files';

const SRC = path.resolve(__dirname, '..', '..', 'src');

interface Pattern {
  name: string;
  re: RegExp;
  /** Files (relative to src/) where the text is not a decision: the definition of the codes, the HTTP status → code map of the log. */
  allowedIn?: readonly string[];
}

const PATTERNS: readonly Pattern[] = [
  { name: 'throws FORBIDDEN itself', re: /\bforbidden\(/ },
  { name: 'builds a FORBIDDEN error itself', re: /['"]FORBIDDEN['"]/, allowedIn: ['graphql/errors.ts', 'server/request-log.ts'] },
  { name: 'asks the viewer’s capabilities itself (use ctx.authz)', re: /capabilities\.has\(/ },
  { name: 'decides by the viewer’s organization', re: /viewer\.organization\.(kind|id)\s*[!=]==|[!=]==\s*viewer\.organization\.(kind|id)/ },
  { name: 'compares views in SQL (views.ts compiles them)', re: /access_level\s*(in\s*\(|=\s*'|<>\s*')/ },
  { name: 'compares views in code (projection.ts decides)', re: /accessLevel\s*[!=]==|[!=]==\s*'(FULL|REPORTER|RECIPIENT|DOMAIN_FEED|SUMMARY)'/ },
];

function violations(file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may name the rules
    for (const p of PATTERNS) {
      if (p.allowedIn?.includes(file)) continue;
      if (p.re.test(line)) out.push(`${file}:${i + 1} ${p.name}: ${line.trim()}`);
    }
  });
  return out;
}

test('no file outside src/auth decides authorization on its own', () => {
  const found = typeScriptFiles(SRC)
    .map((f) => path.relative(SRC, f).split(path.sep).join('/'))
    .filter((f) => !f.startsWith('auth/'))
    .flatMap((f) => violations(f, fs.readFileSync(path.join(SRC, f), 'utf8')));
  expect(found).toEqual([]);
});

test('the scanner bites: each kind of decision written in a module is found', () => {
  const sample = [
    "if (!ok) throw forbidden('no');",
    "throw new HubError('FORBIDDEN', 'no');",
    "if (!viewer.capabilities.has('INCIDENT_HANDLE')) return null;",
    "if (viewer.organization.kind === 'COORDINATOR') return row;",
    "where v.access_level in ('FULL', 'REPORTER')",
    "if (incident.accessLevel === 'FULL') return row.title;",
    '// a comment that says forbidden( is fine',
  ].join('\n');
  expect(violations('modules/example/example.service.ts', sample).map((v) => v.split(' ')[0])).toEqual([
    'modules/example/example.service.ts:1',
    'modules/example/example.service.ts:2',
    'modules/example/example.service.ts:3',
    'modules/example/example.service.ts:4',
    'modules/example/example.service.ts:5',
    'modules/example/example.service.ts:6',
  ]);
});
