import crypto from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { MikroORM, type EntityManager, type Knex } from '@mikro-orm/postgresql';
import { Sql } from './sql';
import { ormOptions } from './orm';

// Timestamps come back as Date, bigint ids as strings (no precision loss), numeric as string.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export type Row = Record<string, unknown>;

/** What services run SQL on: the pool, or one transaction's client. */
export interface Queryable {
  query<T extends Row = Row>(q: Sql): Promise<T[]>;
  one<T extends Row = Row>(q: Sql): Promise<T | undefined>;
}

/** What clients read when the database is down, and when to retry (the one definition of both). */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable; retry shortly';
export const RETRY_AFTER_SECONDS = 2;

/** `extensions` of every SERVICE_UNAVAILABLE error: Apollo Server turns `http` into status 503 and Retry-After. */
export function serviceUnavailableExtensions(): { code: 'SERVICE_UNAVAILABLE'; http: { status: number; headers: Map<string, string> } } {
  return { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: new Map([['retry-after', String(RETRY_AFTER_SECONDS)]]) } };
}

/**
 * The database cannot be reached (down, restarting, connections cut). Reaches clients as
 * SERVICE_UNAVAILABLE with HTTP 503 and Retry-After: graphql-js copies `extensions` of the original
 * error onto the GraphQL error, and Apollo Server turns `extensions.http` into the response status.
 */
export class DatabaseUnavailableError extends Error {
  readonly extensions = serviceUnavailableExtensions();
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && CONNECTION_ERROR_CODES.has(e.code)) return true;
  // knex ends a transaction whose connection died and refuses its next statement with "Transaction query already
  // complete": within a command's transaction (the only place the hub runs knex) that means the database went away.
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|Timeout acquiring a connection|Transaction query already complete/i.test(
    e.message ?? '',
  );
}

/** The unique index a write violated (PostgreSQL 23505), from pg's errors and MikroORM's alike; otherwise undefined. */
export function violatedUniqueConstraint(err: unknown): string | undefined {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' ? e.constraint : undefined;
}

/**
 * MikroORM's connections read dates as text (its own type parsers); the hub's rows carry them as Date,
 * as the pool reads them. Types (by OID) that its connections parse differently, with the element type of arrays.
 */
const ORM_TEXT_TYPES = new Map<number, number | null>([
  [1082, null],
  [1114, null],
  [1184, null],
  [1186, null], // date, timestamp, timestamptz, interval
  [1182, 1082],
  [1115, 1114],
  [1185, 1184],
  [1187, 1186], // their arrays
]);

function asPoolReadsIt(res: pg.QueryResult): Row[] {
  const columns = (res.fields ?? []).filter((f) => ORM_TEXT_TYPES.has(f.dataTypeID));
  if (columns.length === 0) return res.rows as Row[];
  for (const row of res.rows as Row[]) {
    for (const f of columns) {
      const v = row[f.name];
      const element = ORM_TEXT_TYPES.get(f.dataTypeID);
      if (element) {
        const parse = pg.types.getTypeParser(element, 'text');
        if (Array.isArray(v)) row[f.name] = v.map((x) => (typeof x === 'string' ? parse(x) : x));
      } else if (typeof v === 'string') {
        row[f.name] = pg.types.getTypeParser(f.dataTypeID, 'text')(v);
      }
    }
  }
  return res.rows as Row[];
}

/**
 * SQL that the ORM cannot express well (row locks on visibility-filtered reads, the advisory lock around
 * event insertion, set-based inserts, NOTIFY) on the connection of an EntityManager's transaction, so it
 * commits or rolls back with the entities' changes.
 */
class TransactionQueryable implements Queryable {
  constructor(private readonly em: EntityManager) {}
  async query<T extends Row = Row>(q: Sql): Promise<T[]> {
    const trx = this.em.getTransactionContext<Knex.Transaction>();
    if (!trx) throw new Error('SQL of a command outside its transaction');
    const { text, values } = q.toKnexQuery();
    const res = (await trx.raw(text, values as readonly Knex.RawBinding[])) as pg.QueryResult;
    return asPoolReadsIt(res) as T[];
  }
  async one<T extends Row = Row>(q: Sql): Promise<T | undefined> {
    return (await this.query<T>(q))[0];
  }
}

/**
 * Names of the prepared statements (`Sql.prepared`), by text: each connection parses and plans a named
 * statement once and keeps it while it lives. At most MAX_PREPARED texts get a name, so a stream of
 * distinct texts cannot grow every backend's memory without bound; beyond that they run unnamed.
 */
const PREPARED = new Map<string, string>();
const MAX_PREPARED = 64;

function preparedName(text: string): string | undefined {
  const known = PREPARED.get(text);
  if (known || PREPARED.size >= MAX_PREPARED) return known;
  const name = `hub_${crypto.createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  PREPARED.set(text, name);
  return name;
}

class ClientQueryable implements Queryable {
  constructor(
    private readonly client: pg.PoolClient | pg.Pool,
    private readonly counter: StatementCounter,
  ) {}
  async query<T extends Row = Row>(q: Sql): Promise<T[]> {
    const { text, values } = q.toQuery();
    this.counter.count++;
    try {
      const name = q.prepared ? preparedName(text) : undefined;
      const res = name ? await this.client.query<T>({ name, text, values }) : await this.client.query<T>(text, values);
      return res.rows;
    } catch (err) {
      if (isConnectionError(err)) throw new DatabaseUnavailableError((err as Error).message);
      throw err;
    }
  }
  async one<T extends Row = Row>(q: Sql): Promise<T | undefined> {
    return (await this.query<T>(q))[0];
  }
}

/** Counts statements sent to PostgreSQL (tests assert counts per request; counts do not flake). */
export interface StatementCounter {
  count: number;
}

export class Db implements Queryable {
  readonly pool: pg.Pool;
  readonly statements: StatementCounter = { count: 0 };
  private readonly plain: ClientQueryable;
  private orm: MikroORM | null = null;

  constructor(
    readonly url: string,
    private readonly log?: Logger,
    private readonly opts: { max?: number; statementTimeoutMs?: number } = {},
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? 10,
      connectionTimeoutMillis: 5000,
      statement_timeout: opts.statementTimeoutMs ?? 15000,
      application_name: 'incident-hub',
    });
    // An idle client's connection dropping (database restart) must not crash the process.
    this.pool.on('error', (err) => this.log?.warn({ err: err.message }, 'idle database connection lost'));
    this.plain = new ClientQueryable(this.pool, this.statements);
  }

  query<T extends Row = Row>(q: Sql): Promise<T[]> {
    return this.plain.query<T>(q);
  }
  one<T extends Row = Row>(q: Sql): Promise<T | undefined> {
    return this.plain.one<T>(q);
  }

  /** One transaction: commits when `fn` resolves, rolls back when it throws. */
  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw new DatabaseUnavailableError((err as Error).message);
    }
    const q = new ClientQueryable(client, this.statements);
    let broken = false;
    // A checked-out client has no error listener of the pool's: the server going away between two
    // statements (restart, fast shutdown) would be an unhandled 'error' event and end the process.
    const onError = (err: Error) => {
      broken = true;
      this.log?.warn({ err: err.message }, 'database connection lost during a transaction');
    };
    client.on('error', onError);
    try {
      this.statements.count++;
      await client.query('begin');
      const result = await fn(q);
      this.statements.count++;
      await client.query('commit');
      return result;
    } catch (err) {
      try {
        await client.query('rollback');
      } catch {
        broken = true;
      }
      if (isConnectionError(err)) throw new DatabaseUnavailableError((err as Error).message);
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /**
   * One command through MikroORM (DESIGN.md §6 "Writes through MikroORM"): `fn` gets a fresh
   * EntityManager — its own identity map, so nothing is read from another request's — inside
   * `em.transactional`, and a Queryable on the same transaction's connection for the SQL the ORM cannot
   * express. Commits when `fn` resolves (after a last flush), rolls back when it throws.
   */
  async transactional<T>(fn: (em: EntityManager, q: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.ormInstance()
        .em.fork()
        .transactional((em) => fn(em, new TransactionQueryable(em)));
    } catch (err) {
      if (isConnectionError(err)) throw new DatabaseUnavailableError((err as Error).message);
      throw err;
    }
  }

  /**
   * Created on the first command, without connecting: the ORM's pool opens connections when a command
   * needs one (a database that is down at that moment is a 503, not a broken ORM). Its statements
   * count with the pool's: knex reports every statement, BEGIN and COMMIT included.
   */
  private ormInstance(): MikroORM {
    if (this.orm) return this.orm;
    const orm = MikroORM.initSync(
      ormOptions(this.url, {
        pool: { min: 0, max: this.opts.max ?? 10, acquireTimeoutMillis: 5000 },
        driverOptions: {
          connection: { connectionTimeoutMillis: 5000, statement_timeout: this.opts.statementTimeoutMs ?? 15000, application_name: 'incident-hub' },
          // knex's own warnings (a pooled connection lost in a restart) go to the hub's log, not the console.
          log: {
            warn: (msg: string) => this.log?.warn({ orm: msg }, 'database driver warning'),
            error: (msg: string) => this.log?.error({ orm: msg }, 'database driver error'),
            deprecate: () => undefined,
            debug: () => undefined,
          },
        },
      }),
    );
    orm.em
      .getConnection()
      .getKnex()
      .on('query', () => {
        this.statements.count++;
      });
    this.orm = orm;
    return orm;
  }

  async close(): Promise<void> {
    await this.orm?.close(true);
    await this.pool.end();
  }
}
