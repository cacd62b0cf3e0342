// ESLint (flat config): typescript-eslint's recommended rules, a few type-aware ones that catch real
// bugs cheaply (floating and misused promises), and the layers of DESIGN.md §6 as import rules that fail.
//
// Layers, lowest first (a folder may import only folders below it):
//   src/clock.ts, src/config.ts       plain settings
//   src/db/                           database access, migrations; imports nothing above it, except the
//                                     MikroORM entity files (*.entity.ts), which are the tables' own
//                                     description and import nothing but @mikro-orm (rule below)
//   src/graphql/errors.ts             the error vocabulary (imports only db/db.ts's constants)
//   src/auth/                         the rulebook; may import db/, the entities and graphql/errors.ts
//                                     (auth → toolkit errors, never the other way round for anything
//                                     else), never a module's service/repo/resolver nor a transport
//   src/graphql/                      the toolkit: errors, relay, context, loaders, validators, text rule,
//                                     enums; imports auth and db, never a module nor the composition
//   src/modules/<area>/               domain areas; import the toolkit, auth, db, other modules' files
//                                     (without cycles between areas), never server/ or app/
//   src/server/                       HTTP/WebSocket transport
//   src/app/                          composition: the only part that imports every module
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

import path from 'node:path';

/** Entity files, as an absolute glob (import-x matches exceptions of a glob zone against absolute paths). */
const entity = path.join(import.meta.dirname, 'src/modules/**/*.entity.ts');
/**
 * A module’s outbox — the notifications outbox (intents written in the event's transaction, DESIGN.md §7): the event writer of
 * `incidents` calls it, and it imports nothing of the hub's but the database and its own entity.
 */
const outbox = path.join(import.meta.dirname, 'src/modules/*/outbox.ts');

/** The zones of import-x/no-restricted-paths (paths relative to this folder). */
export const boundaryZones = [
  {
    target: './src/graphql',
    from: ['./src/modules', './src/app', './src/server'],
    message: 'The toolkit (src/graphql) imports no module, nor the composition (src/app) or the transport (src/server).',
  },
  {
    target: './src/auth',
    from: './src/modules/**/*',
    except: [entity],
    message: 'The rulebook (src/auth) may import a module’s entity, never its service, repo, resolver or types.',
  },
  {
    target: './src/auth',
    from: ['./src/server', './src/app'],
    message: 'The rulebook (src/auth) imports no transport (src/server) nor the composition (src/app).',
  },
  {
    target: './src/auth',
    from: './src/graphql',
    except: ['./errors.ts'],
    message: 'The rulebook (src/auth) may import only the toolkit’s errors (src/graphql/errors.ts).',
  },
  {
    target: './src/db',
    from: ['./src/auth', './src/graphql', './src/app', './src/server'],
    message: 'src/db imports nothing above it.',
  },
  {
    target: './src/db',
    from: './src/modules/**/*',
    except: [entity],
    message: 'src/db imports nothing above it (a module’s entity is the table’s own description, and allowed).',
  },
  {
    target: './src/modules/**/*.entity.ts',
    from: './src/db',
    except: ['./entity-options.ts'],
    message: 'An entity describes a table; of src/db it imports only the shared column options (entity-options.ts).',
  },
  {
    target: './src/modules/**/*.entity.ts',
    from: ['./src/auth', './src/graphql', './src/app', './src/server'],
    message: 'An entity describes a table; it imports nothing of the hub’s but other entities.',
  },
  {
    target: './src/modules',
    from: ['./src/server', './src/app'],
    message: 'Modules never import the transport (src/server) nor the composition (src/app).',
  },
];

/**
 * The modules, lowest first: a module imports only modules before it (entities excepted: they import
 * nothing), so there can be no cycle between modules. A new module takes its place in this list.
 */
export const MODULE_ORDER = [
  'indicators', // normalization of observables
  'organizations', // the response network
  'accounts', // accounts, roles and API keys of an organization
  'incidents', // incidents, their workflow, collaboration and the append-only event log (events.ts)
  'timeline', // reading the event log: Incident.timeline, IncidentEvent
  'notes',
  'directives',
  'registry', // the registries' domain feed
  'statistics',
  'subscriptions', // live events of incidents and directives
  'notifications', // e-mail and signed webhooks (its outbox is written by the event writer: see `outbox` above)
  'exchange', // STIX 2.1 bundles and import (the TAXII endpoint is transport: src/server/taxii.ts)
];

for (const [i, name] of MODULE_ORDER.entries()) {
  const later = MODULE_ORDER.slice(i + 1);
  if (later.length === 0) continue;
  boundaryZones.push({
    target: `./src/modules/${name}`,
    from: later.map((m) => `./src/modules/${m}/**/*`),
    except: [entity, outbox],
    message: `Module order (eslint.config.mjs MODULE_ORDER): ${name} may import only ${MODULE_ORDER.slice(0, i).join(', ') || 'no other module'}.`,
  });
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'test-artifacts/**', 'test/generated/**', 'test/unit/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'prefer-const': ['error', { destructuring: 'all' }],
      // Flags `let x = null; try { x = … } catch { … }`, which reads better than the alternatives.
      'no-useless-assignment': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // type-graphql's field resolvers take decorated parameters they do not read; Function types are its API.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/await-thenable': 'error' },
  },
  {
    // Tests and benchmarks: control characters are test data; bench/dist.ts and a test require() compiled
    // or package files at run time on purpose; a test's rethrow replaces the error by a clearer one.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-control-regex': 'off', '@typescript-eslint/no-require-imports': 'off', 'preserve-caught-error': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      // no-cycle follows the imports of the files it reads; without these it reads no TypeScript file.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones }],
      // No cycles between files, hence none between modules.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/server/explorer-assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', URL: 'readonly', fetch: 'readonly', localStorage: 'readonly' },
    },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: {
      globals: Object.fromEntries(
        ['require', 'module', 'process', 'console', '__dirname', 'URL', 'fetch', 'setTimeout', 'clearTimeout', 'AbortSignal', 'Buffer'].map((g) => [
          g,
          'readonly',
        ]),
      ),
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
