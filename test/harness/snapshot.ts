import type { TestHub } from './hub';

/**
 * Row count and checksum of every table of the hub's database: a refused request stored nothing
 * when this is the same before and after.
 */
export async function tableSnapshot(t: TestHub): Promise<Record<string, string>> {
  const tables = await t.sql<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await t.sql<{ n: number; h: string }>(
      `select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from "${name}" x`,
    );
    out[name] = `${row!.n} rows, ${row!.h}`;
  }
  return out;
}
