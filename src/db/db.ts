import pg from 'pg';
import type { Logger } from 'pino';
import { Sql } from './sql';

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

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && CONNECTION_ERROR_CODES.has(e.code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(e.message ?? '');
}

class ClientQueryable implements Queryable {
  constructor(private readonly client: pg.PoolClient | pg.Pool, private readonly counter: StatementCounter) {}
  async query<T extends Row = Row>(q: Sql): Promise<T[]> {
    const { text, values } = q.toQuery();
    this.counter.count++;
    try {
      const res = await this.client.query<T>(text, values);
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

  constructor(
    readonly url: string,
    private readonly log?: Logger,
    opts: { max?: number; statementTimeoutMs?: number } = {},
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

  async close(): Promise<void> {
    await this.pool.end();
  }
}
