/** What `npm start` prints once the hub serves (tests and the benchmark read the GraphQL line). */
export function banner(opts: {
  startedMs: number;
  url: string;
  port: number;
  embedded: { port: number; dataDir: string } | null;
  seeded: boolean;
  workers?: number[];
}): string {
  return [
    '',
    `  Incident coordination hub ready in ${opts.startedMs} ms`,
    `  GraphQL (HTTP and WebSocket): ${opts.url}`,
    `  Explorer: open ${opts.url} in a browser`,
    `  Health: http://localhost:${opts.port}/healthz, readiness: http://localhost:${opts.port}/readyz`,
    `  Database: ${opts.embedded ? `embedded PostgreSQL on 127.0.0.1:${opts.embedded.port} (data in ${opts.embedded.dataDir})` : 'DATABASE_URL'}${opts.seeded ? ', demo data loaded' : ''}`,
    ...(opts.workers ? [`  Workers: ${opts.workers.length} processes sharing the port (pids ${opts.workers.join(', ')})`] : []),
    `  Get a token: npm run token -- handler@vncert.test`,
    '',
  ].join('\n');
}
