import path from 'node:path';
import pg from 'pg';
import { parse, execute, getOperationAST, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { ROOT, dbModule, configModule, bootstrap, clockModule, schemaModule, contextModule, authenticate, compiledModule, type Db } from './dist';
import type { FloorQuery } from './operations';
import type { Config } from '../src/config';
import type { Logger } from 'pino';

/** Tables large enough that a sequential scan of them in a request is a finding. */
const LARGE_TABLES = [
  'incident',
  'indicator',
  'directive',
  'directive_target',
  'incident_event',
  'note',
  'incident_participant',
  'domain_feed_entry',
];

export interface PlannedStatement {
  source: 'hub' | 'floor';
  text: string;
  executionMs: number;
  seqScans: string[];
  indexes: string[];
  plan: string;
}

export interface ExplainRequest {
  name: string;
  viewer: string;
  accountId: string;
  query: string;
  variables: Record<string, unknown>;
  floor?: FloorQuery;
}

export interface ExplainResult {
  name: string;
  viewer: string;
  statements: PlannedStatement[];
}

/** pg's `query(text, values)`, or `query({ name, text, values })` for a prepared statement (db.ts). */
type QueryFn = (query: string | { text: string; values?: unknown[] }, values?: unknown[]) => Promise<unknown>;

/**
 * The hub's own SQL for an operation: the compiled schema executes it in this process on a Db whose
 * pool records every statement (the same statements the hub process sends: authentication, the
 * page, the loaders); each is then planned with EXPLAIN (ANALYZE, BUFFERS) under default planner
 * settings, beside the floor's statement.
 */
export class StatementCapture {
  private readonly captured: { text: string; values: unknown[] }[] = [];
  private constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly schema: GraphQLSchema,
    private readonly explainer: pg.Client,
  ) {}

  static async open(url: string): Promise<StatementCapture> {
    const config = configModule.loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-only-secret-'.padEnd(40, 'x'),
      LOG_LEVEL: 'warn',
      HUB_DATA_DIR: path.join(ROOT, '.data', 'bench', 'hub'),
    });
    const log = bootstrap.createLogger(config);
    const db = new dbModule.Db(url, log);
    const schema = await schemaModule().buildHubSchema();
    const explainer = new pg.Client({ connectionString: url });
    await explainer.connect();
    const capture = new StatementCapture(db, config, log, schema, explainer);
    const pool = db.pool as unknown as { query: QueryFn };
    const original = pool.query.bind(db.pool);
    pool.query = (query, values) => {
      if (typeof query === 'string') capture.captured.push({ text: query, values: values ?? [] });
      else capture.captured.push({ text: query.text, values: query.values ?? [] });
      return original(query, values);
    };
    return capture;
  }

  async run(r: ExplainRequest): Promise<ExplainResult> {
    const auth = new (authenticate().Authenticator)(this.config.jwt, this.db, clockModule.systemClock);
    // From authentication on: the statements of one request.
    this.captured.length = 0;
    const viewer = await auth.accountViewer(r.accountId);
    const ctx = contextModule().createContext(
      { db: this.db, clock: clockModule.systemClock, config: this.config, log: this.log },
      viewer,
      'bench-explain',
    );
    // As the hub's executor does (server/executor.ts): the compiled answer where the compilers cover the query.
    const document = parse(r.query);
    const operation = getOperationAST(document);
    const compiled =
      operation && this.config.compiledAnswers ? await compiledModule().executeCompiled(ctx, this.schema, document, operation, r.variables) : null;
    const result: ExecutionResult =
      compiled ??
      ((await execute({
        schema: this.schema,
        document,
        contextValue: ctx,
        variableValues: r.variables,
      })) as ExecutionResult);
    if (result.errors?.length) throw new Error(`${r.name} as ${r.viewer}: ${JSON.stringify(result.errors)}`);
    const statements: PlannedStatement[] = [];
    const all = [...this.captured.map((c) => ({ ...c, source: 'hub' as const })), ...(r.floor ? [{ ...r.floor, source: 'floor' as const }] : [])];
    for (const s of all) statements.push({ source: s.source, text: s.text, ...(await plan(this.explainer, s.text, s.values)) });
    return { name: r.name, viewer: r.viewer, statements };
  }

  async close(): Promise<void> {
    await this.explainer.end();
    await this.db.close();
  }
}

export async function explainOperations(url: string, requests: ExplainRequest[]): Promise<ExplainResult[]> {
  const capture = await StatementCapture.open(url);
  try {
    const out: ExplainResult[] = [];
    for (const r of requests) out.push(await capture.run(r));
    return out;
  } finally {
    await capture.close();
  }
}

async function plan(
  c: pg.Client,
  text: string,
  values: unknown[],
): Promise<{ executionMs: number; seqScans: string[]; indexes: string[]; plan: string }> {
  // Twice: the first run may read pages the load left cold; the second is the steady state.
  await c.query(`explain (analyze) ${text}`, values);
  const res = await c.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, values);
  const lines = res.rows.map((r) => r['QUERY PLAN']);
  const planText = lines.join('\n');
  const m = /Execution Time: ([\d.]+) ms/.exec(planText);
  const seqScans = [...new Set(lines.map((l) => /Seq Scan on (\w+)/.exec(l)?.[1]).filter((t): t is string => !!t && LARGE_TABLES.includes(t)))];
  const indexes = [...new Set(lines.map((l) => /(?:using|Index Scan on) (\w+)/.exec(l)?.[1]).filter((t): t is string => !!t))];
  return { executionMs: m ? Number(m[1]) : 0, seqScans, indexes, plan: planText };
}

/** A one-line summary of a statement (its first meaningful words), for the report. */
export function summarize(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 110);
}
