import http from 'node:http';
import crypto from 'node:crypto';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventHub } from '../modules/subscriptions/event-hub';
import { SocketRegistry, type SocketHolder } from './sockets';
import type { GraphQLSchema } from 'graphql';
import type { Services, Context } from '../graphql/context';
import { createContext } from '../graphql/context';
import { Authenticator, AuthenticationError } from '../auth/authenticate';
import { HubError } from '../graphql/errors';
import { formatError } from '../graphql/format-error';
import { explorerRouter } from './explorer';
import { sql } from '../db/sql';
import type { Viewer } from '../auth/viewer';

export interface Hub {
  httpServer: http.Server;
  url: string;
  port: number;
  /** Stops accepting, drains HTTP and WebSocket, then resolves. The database is the caller's. */
  close: () => Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

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
  const httpServer = http.createServer(app);

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

  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });
  const { useServer } = await import('graphql-ws/use/ws');
  const sockets = new SocketRegistry(authenticator, log);
  const stopWatching = opts.events?.onPrincipalChanged((id) => void sockets.principalChanged(id));
  const wsCleanup = useServer<{ authorization?: string }, { socket: WebSocket; holder?: SocketHolder }>(
    {
      schema,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        try {
          const viewer = await authenticator.authenticate(typeof authorization === 'string' ? authorization : null);
          ctx.extra.holder = sockets.add(ctx.extra.socket, viewer, String(authorization));
          return true;
        } catch (err) {
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
      context: (ctx) => {
        const holder = ctx.extra.holder!;
        return {
          ...createContext(services, holder.viewer, crypto.randomUUID()),
          connection: { viewer: () => holder.viewer, close: (code: number, reason: string) => ctx.extra.socket.close(code, reason) },
        };
      },
    },
    wsServer,
  );

  const plugins: ApolloServerPlugin<Context>[] = [
    ApolloServerPluginDrainHttpServer({ httpServer }),
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
    schema,
    plugins,
    csrfPrevention: config.security.csrfPrevention,
    introspection: config.security.introspection !== 'none',
    includeStacktraceInErrorResponses: !config.security.maskErrors,
    formatError: formatError({ mask: config.security.maskErrors, log }),
  });
  await apollo.start();

  app.use(explorerRouter({ graphqlPath: GRAPHQL_PATH }));
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const requestId = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 100)) || crypto.randomUUID();
        let viewer: Viewer;
        try {
          viewer = await authenticator.authenticate(req.headers.authorization);
        } catch (err) {
          if (err instanceof AuthenticationError) throw unauthenticatedError(err);
          throw err;
        }
        return createContext(services, viewer, requestId);
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
