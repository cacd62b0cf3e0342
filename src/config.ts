import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import os from 'node:os';

/** Settings read from the environment once, validated, and passed down explicitly (no global process.env reads elsewhere). */
export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /** Hub processes sharing the port (HUB_WORKERS, a number or `auto` = one per CPU); 1 = this process serves. */
  workers: number;
  databaseUrl: string | null;
  dataDir: string;
  embeddedPgPort: number;
  jwt: JwtConfig;
  logLevel: string;
  /** Switches that tests flip to run with production behaviour. */
  security: {
    maskErrors: boolean;
    introspection: 'authenticated' | 'all' | 'none';
    csrfPrevention: boolean;
    rateLimit: { enabled: boolean; perMinute: number; burst: number };
    /** Browser origins allowed to call /graphql cross-origin (CORS_ORIGINS); empty: no CORS headers at all. */
    corsOrigins: string[];
    /** Largest request body accepted, in bytes (BODY_LIMIT_BYTES); larger is HTTP 413. */
    bodyLimitBytes: number;
    /** Express "trust proxy" (TRUST_PROXY): needed to see HTTPS behind a TLS-terminating proxy (HSTS) and the client address. */
    trustProxy: boolean | number | string;
    /** When set (METRICS_TOKEN), /metrics needs "Authorization: Bearer <token>". */
    metricsToken: string | null;
    /** graphql-ws: operations in progress on one socket (WS_MAX_SUBSCRIPTIONS_PER_CONNECTION), open sockets of one account or API key (WS_MAX_CONNECTIONS_PER_PRINCIPAL). */
    webSocket: { maxSubscriptionsPerConnection: number; maxConnectionsPerPrincipal: number };
  };
  /** PostgreSQL statement_timeout for every pooled connection (DB_STATEMENT_TIMEOUT_MS). */
  dbStatementTimeoutMs: number;
  deadlines: DeadlineConfig;
  loadDemoData: boolean;
  maxPageSize: number;
  /** COMPILED_ANSWERS (on/off, default on): queries the compilers cover answered by one statement per root field (src/graphql/compiled.ts). */
  compiledAnswers: boolean;
  /** Query limits (QUERY_TOO_COMPLEX): at parse time, before validation, before execution (src/app/limits.ts). */
  /** Notifications (DESIGN.md §7): e-mail and signed webhooks, delivered by a job queue on the same PostgreSQL. */
  notifications: NotificationConfig;
  limits: {
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxRootFields: number;
    /** Characters of the document. */
    maxLength: number;
    /** graphql-js tokens (its parser's `maxTokens`; comments do not count). */
    maxTokens: number;
    /** Operations in one document (validation visits each once more for its variables: a fixed cost per operation). */
    maxOperations: number;
    /** Fields, fragment spreads and inline fragments, each fragment counted at every spread of it, over every definition. */
    maxSelections: number;
    /**
     * Pairs of fields sharing a response name in one selection set (fragments expanded, same-named
     * fields' sub-selections merged), each pair weighted by the argument values both carry: what
     * OverlappingFieldsCanBeMerged compares.
     */
    maxFieldComparisons: number;
    /** Nesting of selection sets, each inline fragment and fragment spread counting as a level, and of list and object values in arguments below them. */
    maxNesting: number;
  };
}

export type JwtConfig =
  /** `generated`: the development secret of the data folder (no JWT_SECRET), which `npm run token` also reads. */
  | { mode: 'hs256'; secret: Uint8Array; issuer?: string; audience?: string; generated?: true }
  | { mode: 'jwks'; jwksUrl: string; issuer?: string; audience?: string };

export interface DeadlineConfig {
  /** Directive due time by action, in hours (DESIGN.md §2: VNCERT's practice for takedowns). */
  directiveDueHours: Record<string, number>;
  acknowledgementHours: number;
  finalReportHours: number;
  lateNotificationHours: number;
}

export const DEFAULT_DEADLINES: DeadlineConfig = {
  directiveDueHours: {
    TAKE_DOWN_CONTENT: 24,
    BLOCK_IP: 24,
    BLOCK_DOMAIN: 24,
    SUSPEND_DOMAIN: 24,
    PRESERVE_EVIDENCE: 24,
    PROVIDE_INFORMATION: 72,
    DEFAULT: 120,
  },
  acknowledgementHours: 2,
  finalReportHours: 120,
  lateNotificationHours: 120,
};

export interface NotificationConfig {
  /** NOTIFICATIONS (on/off): default on, off under NODE_ENV=test unless a test asks for it. */
  enabled: boolean;
  /** SMTP_URL; null in development sends mail to a local mailbox (`mailboxDir`, `npm run mailbox`). */
  smtpUrl: string | null;
  mailFrom: string;
  /** PUBLIC_URL: links in messages. */
  publicUrl: string;
  mailboxDir: string;
  /** NOTIFY_WEBHOOK_ALLOW_PRIVATE: loopback and private addresses allowed (link-local and metadata never). */
  allowPrivate: boolean;
  /** NOTIFY_RETRY_SCHEDULE: seconds before each retry (comma-separated); after the last, the delivery is dead. */
  retrySchedule: number[];
  dueSoonHours: number;
  /** How often each instance looks for due deliveries and reminders (NOTIFY_POLL_MS). */
  pollMs: number;
  timeoutMs: number;
  /** A job whose worker died is handed to another after this long (NOTIFY_JOB_EXPIRE_SECONDS); longer than the timeout. */
  jobExpireSeconds: number;
  /** The queue's supervision interval (NOTIFY_MAINTENANCE_SECONDS): how soon expired jobs are noticed. */
  maintenanceSeconds: number;
  /** How long the previous webhook secret still signs after a rotation (NOTIFY_SECRET_OVERLAP_HOURS). */
  secretOverlapHours: number;
}

/** Standard Webhooks' schedule stretched to about three days: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 20 h. */
export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 72000];

/** The hub refuses to start in production with notifications on and nowhere to send mail (checked at boot, not when reading settings). */
export function notificationStartupProblem(config: Config): string | null {
  if (config.env === 'production' && config.notifications.enabled && !config.notifications.smtpUrl)
    return 'In production set SMTP_URL, or NOTIFICATIONS=off';
  return null;
}

function retrySchedule(value: string | undefined): number[] {
  if (!value) return DEFAULT_RETRY_SCHEDULE;
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.some((n) => !Number.isFinite(n) || n < 0))
    throw new ConfigError('NOTIFY_RETRY_SCHEDULE must be comma-separated seconds, e.g. 5,300,1800');
  return parts;
}

export class ConfigError extends Error {}

/** Deadlines of the regulation, each overridable: DEADLINE_DIRECTIVE_HOURS is JSON by action, e.g. {"TAKE_DOWN_CONTENT": 12}. */
function deadlines(env: NodeJS.ProcessEnv): DeadlineConfig {
  let byAction: Record<string, number> = {};
  if (env.DEADLINE_DIRECTIVE_HOURS) {
    try {
      byAction = JSON.parse(env.DEADLINE_DIRECTIVE_HOURS) as Record<string, number>;
    } catch {
      throw new ConfigError('DEADLINE_DIRECTIVE_HOURS must be a JSON object of hours by action');
    }
    for (const [action, hours] of Object.entries(byAction)) {
      if (!(typeof hours === 'number' && hours > 0)) throw new ConfigError(`DEADLINE_DIRECTIVE_HOURS.${action} must be a positive number of hours`);
    }
  }
  return {
    directiveDueHours: { ...DEFAULT_DEADLINES.directiveDueHours, ...byAction },
    acknowledgementHours: int('DEADLINE_ACKNOWLEDGEMENT_HOURS', env.DEADLINE_ACKNOWLEDGEMENT_HOURS, DEFAULT_DEADLINES.acknowledgementHours),
    finalReportHours: int('DEADLINE_FINAL_REPORT_HOURS', env.DEADLINE_FINAL_REPORT_HOURS, DEFAULT_DEADLINES.finalReportHours),
    lateNotificationHours: int('DEADLINE_LATE_NOTIFICATION_HOURS', env.DEADLINE_LATE_NOTIFICATION_HOURS, DEFAULT_DEADLINES.lateNotificationHours),
  };
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function workers(value: string | undefined): number {
  if (value === 'auto') return os.availableParallelism();
  const n = int('HUB_WORKERS', value, 1);
  if (n < 1 || n > 64) throw new ConfigError(`HUB_WORKERS must be auto or 1 to 64, got "${value}"`);
  return n;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

/** CORS_ORIGINS: comma-separated exact origins (`https://app.example.vn`); a wildcard is refused. */
function corsOrigins(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        throw new ConfigError(`CORS_ORIGINS: "${origin}" is not an origin such as https://app.example.vn`);
      }
      if (!['http:', 'https:'].includes(url.protocol) || url.origin !== origin.replace(/\/$/, '').toLowerCase()) {
        throw new ConfigError(`CORS_ORIGINS: "${origin}" must be scheme://host[:port] only (no path, no wildcard)`);
      }
      return url.origin;
    });
}

/** TRUST_PROXY: `true`, a hop count, or Express's address list (`loopback`, `10.0.0.0/8`, …). Unset: trust nothing. */
function trustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** The development secret lives in the data folder so that `npm run token` and the server agree without configuration. */
export function developmentSecret(dataDir: string): Uint8Array {
  const file = path.join(dataDir, 'dev-jwt-secret');
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return new TextEncoder().encode(fs.readFileSync(file, 'utf8').trim());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const dataDir = path.resolve(env.HUB_DATA_DIR ?? '.data');
  const issuer = env.JWT_ISSUER || undefined;
  const audience = env.JWT_AUDIENCE || undefined;
  let jwt: JwtConfig;
  // Never both: accepting HS256 next to a JWKS would let a public key be used as an HMAC secret.
  if (env.JWT_SECRET && env.JWT_JWKS_URL) throw new ConfigError('Set JWT_SECRET or JWT_JWKS_URL, not both');
  if (env.JWT_JWKS_URL) {
    jwt = { mode: 'jwks', jwksUrl: env.JWT_JWKS_URL, issuer, audience };
  } else if (env.JWT_SECRET) {
    if (env.JWT_SECRET.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
    jwt = { mode: 'hs256', secret: new TextEncoder().encode(env.JWT_SECRET), issuer, audience };
  } else if (nodeEnv === 'production') {
    throw new ConfigError('In production set JWT_SECRET or JWT_JWKS_URL (with JWT_ISSUER and JWT_AUDIENCE)');
  } else {
    jwt = { mode: 'hs256', secret: developmentSecret(dataDir), issuer, audience, generated: true };
  }
  const production = nodeEnv === 'production';
  const port = int('PORT', env.PORT, 4000);
  const notificationsOn = bool(env.NOTIFICATIONS, nodeEnv !== 'test');
  const introspection = (env.INTROSPECTION ?? 'authenticated') as Config['security']['introspection'];
  if (!['authenticated', 'all', 'none'].includes(introspection)) throw new ConfigError('INTROSPECTION must be authenticated, all or none');
  return {
    env: nodeEnv,
    port,
    host: env.HOST ?? '0.0.0.0',
    workers: workers(env.HUB_WORKERS),
    databaseUrl: env.DATABASE_URL || null,
    dataDir,
    embeddedPgPort: int('EMBEDDED_PG_PORT', env.EMBEDDED_PG_PORT, 54329),
    jwt,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    security: {
      maskErrors: bool(env.MASK_ERRORS, production),
      introspection,
      csrfPrevention: bool(env.CSRF_PREVENTION, true),
      rateLimit: {
        enabled: bool(env.RATE_LIMIT, production),
        perMinute: int('RATE_LIMIT_PER_MINUTE', env.RATE_LIMIT_PER_MINUTE, 600),
        burst: int('RATE_LIMIT_BURST', env.RATE_LIMIT_BURST, 120),
      },
      corsOrigins: corsOrigins(env.CORS_ORIGINS),
      bodyLimitBytes: int('BODY_LIMIT_BYTES', env.BODY_LIMIT_BYTES, 1024 * 1024),
      trustProxy: trustProxy(env.TRUST_PROXY),
      metricsToken: env.METRICS_TOKEN || null,
      webSocket: {
        maxSubscriptionsPerConnection: int('WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION, 100),
        maxConnectionsPerPrincipal: int('WS_MAX_CONNECTIONS_PER_PRINCIPAL', env.WS_MAX_CONNECTIONS_PER_PRINCIPAL, 20),
      },
    },
    dbStatementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', env.DB_STATEMENT_TIMEOUT_MS, 15000),
    deadlines: deadlines(env),
    loadDemoData: bool(env.LOAD_DEMO_DATA, !production),
    maxPageSize: 100,
    compiledAnswers: bool(env.COMPILED_ANSWERS, true),
    notifications: {
      enabled: notificationsOn,
      smtpUrl: env.SMTP_URL || null,
      mailFrom: env.MAIL_FROM || 'Incident hub <no-reply@hub.invalid>',
      publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
      mailboxDir: path.join(dataDir, 'mailbox'),
      allowPrivate: bool(env.NOTIFY_WEBHOOK_ALLOW_PRIVATE, false),
      retrySchedule: retrySchedule(env.NOTIFY_RETRY_SCHEDULE),
      dueSoonHours: int('NOTIFY_DUE_SOON_HOURS', env.NOTIFY_DUE_SOON_HOURS, 24),
      pollMs: int('NOTIFY_POLL_MS', env.NOTIFY_POLL_MS, 1000),
      timeoutMs: int('NOTIFY_WEBHOOK_TIMEOUT_MS', env.NOTIFY_WEBHOOK_TIMEOUT_MS, 15000),
      jobExpireSeconds: int('NOTIFY_JOB_EXPIRE_SECONDS', env.NOTIFY_JOB_EXPIRE_SECONDS, 60),
      maintenanceSeconds: int('NOTIFY_MAINTENANCE_SECONDS', env.NOTIFY_MAINTENANCE_SECONDS, 30),
      secretOverlapHours: int('NOTIFY_SECRET_OVERLAP_HOURS', env.NOTIFY_SECRET_OVERLAP_HOURS, 24),
    },
    limits: {
      maxDepth: int('QUERY_MAX_DEPTH', env.QUERY_MAX_DEPTH, 12),
      maxCost: int('QUERY_MAX_COST', env.QUERY_MAX_COST, 25_000),
      maxAliases: int('QUERY_MAX_ALIASES', env.QUERY_MAX_ALIASES, 20),
      maxRootFields: int('QUERY_MAX_ROOT_FIELDS', env.QUERY_MAX_ROOT_FIELDS, 10),
      maxLength: int('QUERY_MAX_LENGTH', env.QUERY_MAX_LENGTH, 100_000),
      maxTokens: int('QUERY_MAX_TOKENS', env.QUERY_MAX_TOKENS, 15_000),
      maxOperations: int('QUERY_MAX_OPERATIONS', env.QUERY_MAX_OPERATIONS, 50),
      maxSelections: int('QUERY_MAX_SELECTIONS', env.QUERY_MAX_SELECTIONS, 2_000),
      maxFieldComparisons: int('QUERY_MAX_FIELD_COMPARISONS', env.QUERY_MAX_FIELD_COMPARISONS, 5_000),
      maxNesting: int('QUERY_MAX_NESTING', env.QUERY_MAX_NESTING, 60),
    },
  };
}
