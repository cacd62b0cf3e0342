import http from 'node:http';
import crypto from 'node:crypto';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventHub } from '../modules/subscriptions/event-hub';
import { SocketRegistry, type SocketHolder } from './sockets';
import { execute, type GraphQLSchema } from 'graphql';
import { subscribeShared } from '../modules/subscriptions/shared-execution';
import type { Services, Context } from '../graphql/context';
import { createContext } from '../graphql/context';
import { Authenticator, AuthenticationError } from '../auth/authenticate';
import { HubError } from '../graphql/errors';
import { formatError } from '../app/format-error';
import { errorLanguage, errorLanguagePlugin, type ErrorLanguage } from '../graphql/error-language';
import { queryLimitsPlugin, limitSubscription, preValidate, requestDocument } from '../app/limits';
import { explorerRouter } from './explorer';
import { demoAccountsRouter } from './demo-accounts';
import { hitDatabaseDown, isDatabaseDown, serviceUnavailableError, WS_TRY_AGAIN_LATER, WS_UNAVAILABLE_REASON } from '../graphql/unavailable';
import { sql } from '../db/sql';
import type { Viewer } from '../auth/viewer';
import {
  anonymousIntrospection,
  cors,
  csrfPrevention,
  hideSchemaSuggestions,
  introspectionRules,
  jsonBody,
  securityHeaders,
  subscriptionsOverWebSocketOnly,
} from './security';
import { checkedExecution, inputTextPlugin, inputTextRule } from '../graphql/text-rule';
import { RateLimiter, rateKey, rateLimitedError } from './rate-limit';
import { HubMetrics, metricsHandler } from './metrics';
import { RequestTracker, requestIdOfError, tagError } from './request-log';
import { wsGuard } from './ws-guard';
import { taxiiRouter } from './taxii';
import { CompiledExecution } from './executor';

export interface Hub {
  httpServer: http.Server;
  url: string;
  port: number;
  /** Stops accepting, drains HTTP and WebSocket, then resolves. The database is the caller's. */
  close: () => Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

/** What the hub keeps on a graphql-ws connection, beside graphql-ws's own socket and upgrade request. */
type SocketExtra = {
  socket: WebSocket;
  holder?: SocketHolder;
  language?: ErrorLanguage;
};

function unauthenticatedError(err: AuthenticationError): HubError {
  const messages: Record<AuthenticationError['reason'], string> = {
    MISSING: 'Authentication required: send "Authorization: Bearer <token or API key>"',
    INVALID: 'The credentials are not valid',
    EXPIRED: 'The credentials have expired',
    UNKNOWN_PRINCIPAL: 'The credentials are not valid',
    INACTIVE: 'The account or organization is not active',
    REVOKED: 'The API key was revoked',
  };
  return new HubError('UNAUTHENTICATED', messages[err.reason], { http: { status: 401 } });
}

export async function startHub(services: Services, schema: GraphQLSchema, opts: { port: number; host?: string; events?: EventHub }): Promise<Hub> {
  const { config, log, db } = services;
  const authenticator = Authenticator.fromConfig(config, db, services.clock);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.security.trustProxy);
  app.use(securityHeaders());
  const httpServer = http.createServer(app);
  const metrics = new HubMetrics(services);
  const tracker = new RequestTracker(log, metrics);
  const limiter = new RateLimiter(config.security.rateLimit, (transport, key) => metrics.rateLimited(transport, key));
  const validationRules = introspectionRules(config);
  const formatErrors = formatError({
    mask: config.security.maskErrors,
    log,
    hideSuggestions: hideSchemaSuggestions(config),
    requestId: requestIdOfError,
  });
  const inputText = inputTextRule(schema);
  app.get('/metrics', metricsHandler(metrics, config.security.metricsToken));
  // TAXII 2.1 (DESIGN.md §8): the same authentication, rate limits and metrics as /graphql.
  app.use('/taxii2', taxiiRouter({ services, schema, authenticator, limiter, metrics }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.query(sql`select 1`);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });

  // A message over the HTTP body limit closes the socket with 1009 (Message Too Big) before it is read whole.
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: config.security.bodyLimitBytes });
  const { useServer } = await import('graphql-ws/use/ws');
  const sockets = new SocketRegistry(authenticator, log, config.security.webSocket);
  const guard = wsGuard<{ authorization?: string }, SocketExtra>(
    { schema, tracker, limiter, format: formatErrors, validationRules, languageOf: (extra) => extra.language ?? 'en' },
    (extra) => extra.holder?.viewer,
  );
  const stopWatching = opts.events?.onPrincipalChanged((id) => void sockets.principalChanged(id));
  const wsCleanup = useServer<{ authorization?: string; acceptLanguage?: string }, SocketExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        // Error messages of the whole connection: `acceptLanguage` in connectionParams (clients that
        // choose), else the upgrade request's Accept-Language (a browser sends its own).
        const chosen = ctx.connectionParams?.acceptLanguage;
        ctx.extra.language = errorLanguage(typeof chosen === 'string' ? chosen : ctx.extra.request.headers['accept-language']);
        const authorization = ctx.connectionParams?.authorization;
        try {
          const viewer = await authenticator.authenticate(typeof authorization === 'string' ? authorization : null);
          const holder = sockets.add(ctx.extra.socket, viewer, String(authorization));
          if (!holder) return false; // over the principal's connection cap: closed with 4429
          ctx.extra.holder = holder;
          return true;
        } catch (err) {
          // The database is down: 1013 (Try Again Later) lets graphql-ws clients retry, then resume with after.
          if (isDatabaseDown(err)) {
            ctx.extra.socket.close(WS_TRY_AGAIN_LATER, WS_UNAVAILABLE_REASON);
            return false;
          }
          if (!(err instanceof AuthenticationError)) throw err;
          // An expired token may be replaced by a fresh one: 4403 lets clients retry; anything else will not succeed again: 4401.
          const code = err.reason === 'EXPIRED' ? 4403 : 4401;
          ctx.extra.socket.close(code, err.reason === 'EXPIRED' ? 'Forbidden: token expired' : 'Unauthorized');
          return false;
        }
      },
      onClose: (ctx) => {
        if (ctx.extra.holder) sockets.remove(ctx.extra.holder);
      },
      // The text rule of string arguments, on the validated document (onSubscribe below), before execution.
      execute: checkedExecution(inputText, execute),
      // Each event's selection executes once per group of subscribers that read it alike (shared-execution.ts).
      subscribe: checkedExecution(inputText, subscribeShared),
      // graphql-ws runs without Apollo's plugins: the query limits and validation as over HTTP (the execution
      // arguments returned spare graphql-ws a second parse and validation), the guard's checks, then the
      // connection's cap on operations in progress.
      onSubscribe: async (ctx, id, payload) => {
        // Counted before any await: subscribe messages that arrive together are admitted in their order.
        const capped = sockets.tooManyOperations(ctx.subscriptions);
        const args = limitSubscription(schema, payload, config.limits);
        if (!('document' in args)) return args;
        const refused = await guard.onSubscribe?.(ctx, id, payload);
        if (refused) return refused;
        return capped ? [capped] : args;
      },
      onOperation: guard.onOperation,
      onNext: (ctx, id, payload, args, result) => {
        // An event (or a subscribe) that met the database going away is not delivered half: the socket
        // closes with 1013 and the client resumes from the last cursor it received.
        if (hitDatabaseDown(result.errors)) ctx.extra.socket.close(WS_TRY_AGAIN_LATER, WS_UNAVAILABLE_REASON);
        return guard.onNext?.(ctx, id, payload, args, result);
      },
      onError: guard.onError,
      onComplete: guard.onComplete,
      context: (ctx, id) => {
        const holder = ctx.extra.holder!;
        return {
          ...createContext(services, holder.viewer, guard.recordOf(ctx.extra, id)?.requestId ?? crypto.randomUUID()),
          connection: { viewer: () => holder.viewer, close: (code: number, reason: string) => ctx.extra.socket.close(code, reason) },
        };
      },
    },
    wsServer,
  );

  const plugins: ApolloServerPlugin<Context>[] = [
    ApolloServerPluginDrainHttpServer({ httpServer }),
    // The schema is a federation subgraph (src/app/federation.ts): Apollo would then hand per-field timing traces (ftv1) to any caller asking for them.
    ApolloServerPluginInlineTraceDisabled(),
    // No per-field cache hints (the default plugin wraps every resolver: half the CPU of a 50-incident
    // page, `npm run bench`); answers are per viewer and never cacheable, as the header says.
    ApolloServerPluginCacheControlDisabled(),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            response.http.headers.set('cache-control', 'no-store');
          },
        };
      },
    },
    queryLimitsPlugin(config.limits),
    subscriptionsOverWebSocketOnly(),
    // Every string argument obeys one text rule before anything runs (graphql-ws: `execute` and `subscribe` above).
    inputTextPlugin(inputText),
    tracker.plugin(),
    // Error messages in Vietnamese for `Accept-Language: vi` (codes unchanged).
    errorLanguagePlugin<Context>(),
    {
      async serverWillStart() {
        return {
          async drainServer() {
            stopWatching?.();
            sockets.closeAll(1001, 'Server shutting down: reconnect and resume with after');
            await wsCleanup.dispose();
          },
        };
      },
    },
  ];
  const apollo = new ApolloServer<Context>({
    // The schema, executed by compiled functions (executor.ts).
    gateway: new CompiledExecution(schema).gateway(),
    plugins,
    csrfPrevention: csrfPrevention(config),
    // INTROSPECTION=none is enforced by our own validation rule (security.ts), with a clear message, on HTTP and WebSocket alike.
    introspection: true,
    validationRules,
    // Also for a persisted query's stored document (every other document met the same limit above, in the context).
    parseOptions: { maxTokens: config.limits.maxTokens },
    includeStacktraceInErrorResponses: !config.security.maskErrors,
    formatError: formatErrors,
  });
  await apollo.start();

  // Before the explorer: Express answers OPTIONS for its GET route itself, which would swallow CORS preflights.
  app.use(GRAPHQL_PATH, cors(config.security.corsOrigins));
  app.use(explorerRouter({ graphqlPath: GRAPHQL_PATH, demoAccounts: demoAccountsRouter(services) }));
  app.use(
    GRAPHQL_PATH,
    tracker.start(),
    ...jsonBody(config.security.bodyLimitBytes, (req, code) => {
      const record = tracker.recordOf(req);
      if (record) record.outcome = code;
    }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const record = tracker.recordOf(req);
        const requestId = record?.requestId ?? crypto.randomUUID();
        let viewer: Viewer | null;
        try {
          viewer = await authenticator.authenticate(req.headers.authorization);
        } catch (err) {
          if (isDatabaseDown(err)) throw serviceUnavailableError(); // 503, not UNAUTHENTICATED or 500
          if (!(err instanceof AuthenticationError)) {
            tagError(err, requestId); // an unexpected failure is masked down to this id
            throw err;
          }
          if (err.reason === 'MISSING' && anonymousIntrospection(config, req)) {
            viewer = null;
          } else {
            if (record) record.outcome = 'UNAUTHENTICATED';
            throw unauthenticatedError(err);
          }
        }
        RequestTracker.noteViewer(record, viewer);
        const decision = limiter.check(rateKey(viewer, req.ip), 'http');
        if (!decision.allowed) {
          if (record) record.outcome = 'RATE_LIMITED';
          throw rateLimitedError(decision.retryAfterSeconds, 'http');
        }
        // Before Apollo parses and validates (its plugins only run after validation): the parse-time and pre-validation limits.
        const tooComplex = preValidate(requestDocument(req.method, req.body, req.url), config.limits);
        if (tooComplex) {
          if (record) record.outcome = 'QUERY_TOO_COMPLEX';
          throw tooComplex;
        }
        return tracker.bind(createContext(services, viewer, requestId), record);
      },
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    httpServer,
    port,
    url: `http://localhost:${port}${GRAPHQL_PATH}`,
    close: async () => {
      await apollo.stop();
    },
  };
}
