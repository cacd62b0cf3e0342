/**
 * One structured log line per GraphQL request (HTTP) or operation (WebSocket), and the matching
 * request metrics: request id, organization, principal, operation name and type, duration, outcome
 * (`ok` or the first error's code). The line is written when the response is finished, so requests
 * refused before Apollo runs (body too large, CSRF, unauthenticated, rate limited) get one too.
 *
 * The request id comes from a well-formed `X-Request-Id` header or is generated; it is echoed in the
 * `X-Request-Id` response header, is `Context.requestId`, and is put into `extensions.requestId` of
 * masked errors (format-error.ts reads it from the AsyncLocalStorage below).
 */
import crypto from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer';
import type { Context } from '../graphql/context';
import type { HubMetrics } from './metrics';
import type { Transport } from './rate-limit';

export interface RequestRecord {
  requestId: string;
  transport: Transport;
  startedNs: bigint;
  method: string | null;
  organization: string | null;
  principal: string | null;
  /** True once a valid operation was selected (its name is then a metrics label). */
  resolved: boolean;
  operationName: string | null;
  operationType: string | null;
  /** `ok` or an error code; when unset at the end, derived from the HTTP status. */
  outcome: string | null;
  ended: boolean;
}

/** Client-supplied ids are kept only when short and plain (they go into logs verbatim). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

const storage = new AsyncLocalStorage<RequestRecord>();

/** The request id of the HTTP request being handled, for code without access to the context. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

function outcomeOfStatus(status: number): string {
  if (status < 400) return 'ok';
  const known: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 413: 'BAD_USER_INPUT', 429: 'RATE_LIMITED', 503: 'SERVICE_UNAVAILABLE' };
  return known[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : `HTTP_${status}`);
}

function firstErrorCode(errors: readonly GraphQLFormattedError[] | undefined): string | null {
  const first = errors?.[0];
  if (!first) return null;
  const code = first.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

function responseErrors(response: GraphQLResponse): readonly GraphQLFormattedError[] | undefined {
  return response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
}

export class RequestTracker {
  private readonly byRequest = new WeakMap<IncomingMessage, RequestRecord>();

  constructor(private readonly log: Logger, private readonly metrics: HubMetrics) {}

  newRecord(transport: Transport, requestId?: string): RequestRecord {
    return {
      requestId: requestId && REQUEST_ID.test(requestId) ? requestId : crypto.randomUUID(),
      transport,
      startedNs: process.hrtime.bigint(),
      method: null,
      organization: null,
      principal: null,
      resolved: false,
      operationName: null,
      operationType: null,
      outcome: null,
      ended: false,
    };
  }

  /** First on the GraphQL path: assigns the request id and writes the line when the response ends. */
  start(): RequestHandler {
    return (req: Request, res: Response, next) => {
      const header = req.headers['x-request-id'];
      const record = this.newRecord('http', typeof header === 'string' ? header : undefined);
      record.method = req.method;
      this.byRequest.set(req, record);
      res.setHeader('X-Request-Id', record.requestId);
      res.once('close', () => {
        if (!res.writableFinished) record.outcome = 'ABORTED';
        record.outcome ??= outcomeOfStatus(res.statusCode);
        this.end(record, res.statusCode);
      });
      next();
    };
  }

  /**
   * Makes the record the async context of the rest of the chain. Mounted after the body parser:
   * body-parser resumes from stream events, which would lose a context entered before it.
   */
  enter(): RequestHandler {
    return (req, _res, next) => {
      const record = this.byRequest.get(req);
      if (record) storage.run(record, next);
      else next();
    };
  }

  recordOf(req: IncomingMessage): RequestRecord | undefined {
    return this.byRequest.get(req);
  }

  /** Who is asking, once authenticated (an id, never a credential). */
  static noteViewer(record: RequestRecord | undefined, viewer: Viewer | null): void {
    if (!record || !viewer) return;
    record.organization = viewer.organization.code;
    record.principal = `${viewer.principal.type === 'ACCOUNT' ? 'account' : 'key'}:${viewer.principal.id}`;
  }

  /** Operation name and type, and the outcome from the formatted errors, for requests that reach Apollo's pipeline. */
  plugin(): ApolloServerPlugin<Context> {
    return {
      async requestDidStart() {
        const record = storage.getStore();
        if (!record) return;
        return {
          async didResolveOperation({ operationName, operation }) {
            record.resolved = true;
            record.operationName = operationName;
            record.operationType = operation?.operation ?? null;
          },
          async willSendResponse({ response, contextValue }) {
            RequestTracker.noteViewer(record, contextValue.viewer);
            record.outcome = firstErrorCode(responseErrors(response)) ?? 'ok';
          },
        };
      },
    };
  }

  /** Writes the line and the metrics, once. */
  end(record: RequestRecord, status?: number): void {
    if (record.ended) return;
    record.ended = true;
    const seconds = Number(process.hrtime.bigint() - record.startedNs) / 1e9;
    const outcome = record.outcome ?? 'ok';
    this.metrics.observeRequest(record.transport, this.metrics.operationLabel(record.operationName, record.resolved), outcome, seconds);
    const serverSide = outcome === 'INTERNAL_SERVER_ERROR' || outcome === 'SERVICE_UNAVAILABLE';
    this.log[serverSide ? 'warn' : 'info'](
      {
        event: 'graphql_request',
        requestId: record.requestId,
        transport: record.transport,
        ...(record.method ? { method: record.method } : {}),
        ...(status !== undefined ? { status } : {}),
        organization: record.organization,
        principal: record.principal,
        operationName: record.operationName,
        operationType: record.operationType,
        durationMs: Math.round(seconds * 10_000) / 10,
        outcome,
      },
      'graphql request',
    );
  }
}
