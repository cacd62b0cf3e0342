import autocannon from 'autocannon';
import pg from 'pg';
import type { FloorQuery } from './operations';
import type { CpuMeter } from './cpu';

export interface Stats {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx responses, GraphQL errors, timeouts (hub) or failed statements (floor). */
  errors: number;
  /** CPU per request: the hub process (or the floor's client), and PostgreSQL's backends (null when not measurable). */
  cpuMs: { app: number; db: number | null };
  /** Peak resident memory of the process under test during the load, MiB (the hub and its workers; the floor's client). */
  rssPeakMb: number;
}

function perRequest(cpu: { appMs: number; dbMs: number | null }, requests: number): Stats['cpuMs'] {
  const n = Math.max(1, requests);
  return { app: round(cpu.appMs / n, 2), db: cpu.dbMs === null ? null : round(cpu.dbMs / n, 2) };
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** The hub over HTTP with autocannon: `connections` concurrent clients, each body in turn from `bodies`. */
export async function hubLoad(url: string, token: string, bodies: string[], connections: number, seconds: number, meter: CpuMeter): Promise<Stats> {
  let next = 0;
  let graphqlErrors = 0;
  meter.start();
  const result = await autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
        onResponse: (status, body) => {
          if (status === 200 && body.includes('"errors":[')) graphqlErrors++;
        },
      },
    ],
  });
  const cpu = meter.stop();
  const total = result.requests.total;
  return {
    rps: round(total / result.duration),
    p50Ms: round(result.latency.p50, 2),
    p99Ms: round(result.latency.p99, 2),
    requests: total,
    errors: result.non2xx + result.errors + result.timeouts + graphqlErrors,
    cpuMs: perRequest(cpu, total),
    rssPeakMb: cpu.appRssPeakMb,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * The floor: a pool of `connections` clients, each running the statement in a loop (the next variant
 * each time) for the same duration, through the same driver the hub uses.
 */
export async function floorLoad(url: string, queries: FloorQuery[], connections: number, seconds: number, meter: CpuMeter): Promise<Stats> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  // Open every connection before the clock starts, as autocannon does with its sockets.
  const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
  for (const c of clients) c.release();
  let next = 0;
  let errors = 0;
  const latencies: number[] = [];
  meter.start();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      const q = queries[next++ % queries.length];
      const t0 = process.hrtime.bigint();
      try {
        await pool.query(q.text, q.values);
      } catch {
        errors++;
      }
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.end();
  // The backends' CPU reaches the postmaster's account of its children once they have exited.
  await new Promise((r) => setTimeout(r, 500));
  const cpu = meter.stop();
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: round(latencies.length / elapsed),
    p50Ms: round(percentile(sorted, 50), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    requests: latencies.length,
    errors,
    cpuMs: perRequest(cpu, latencies.length),
    rssPeakMb: cpu.appRssPeakMb,
  };
}
