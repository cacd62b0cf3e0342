/**
 * One structured log line per GraphQL request (HTTP) or operation (WebSocket), and the matching
 * request metrics: request id, organization, principal, operation name and type, duration, outcome
 * (`ok` or the first error's code). The line is written when the response is finished, so requests
 * refused before Apollo runs (body too large, CSRF, unauthenticated, rate limited) get one too.
 *
 * The request id comes from a well-formed `X-Request-Id` header or is generated; it is echoed in the
 * `X-Request-Id` response header, is `Context.requestId`, and is put into `extensions.requestId` of
 * masked errors: errors are tagged with it (`tagError`) where the request is known, and format-error.ts
 * reads the tag. No AsyncLocalStorage: it turns on promise hooks for every promise of every resolver
 * (about a sixth of the hub's CPU on a 50-incident page, `npm run bench`).
 */
import crypto from 'node:crypto';
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

const RECORD = Symbol('requestRecord');
type RecordHolder = { [RECORD]?: RequestRecord };

const errorRequestIds = new WeakMap<object, string>();

/** Marks an error (or a thrown value) with the request it belongs to, for the error formatter. */
export function tagError(error: unknown, requestId: string): void {
  if (typeof error === 'object' && error !== null) errorRequestIds.set(error, requestId);
}

/** The request id an error was tagged with, looked up on the error and on what it wraps. */
export function requestIdOfError(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const id = errorRequestIds.get(e);
    if (id) return id;
    e = (e as { originalError?: unknown }).originalError;
  }
  return undefined;
}

function outcomeOfStatus(status: number): string {
  if (status < 400) return 'ok';
  const known: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHENTICATED',
    403: 'FORBIDDEN',
    413: 'BAD_USER_INPUT',
    429: 'RATE_LIMITED',
    503: 'SERVICE_UNAVAILABLE',
  };
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

  constructor(
    private readonly log: Logger,
    private readonly metrics: HubMetrics,
  ) {}

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

  recordOf(req: IncomingMessage): RequestRecord | undefined {
    return this.byRequest.get(req);
  }

  /**
   * Links the GraphQL context of an HTTP request to its record (the plugin below finds it there).
   * A symbol property, because Apollo hands plugins a shallow copy of the context.
   */
  bind(context: Context, record: RequestRecord | undefined): Context {
    if (record) (context as RecordHolder)[RECORD] = record;
    return context;
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
      async requestDidStart({ contextValue }) {
        const record = (contextValue as RecordHolder)[RECORD];
        if (!record) return;
        return {
          async didEncounterErrors({ errors }) {
            for (const e of errors) tagError(e, record.requestId);
          },
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
