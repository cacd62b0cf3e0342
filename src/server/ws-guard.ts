/**
 * The same limits over graphql-ws as over HTTP: the per-principal rate limit on each subscribe
 * message (`RATE_LIMITED` error on that operation; the socket stays open), the introspection policy,
 * masked errors (graphql-ws does not run Apollo's formatError) in the connection's language, and one
 * log line per operation.
 */
import {
  GraphQLError,
  getOperationAST,
  parse,
  validate,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { Viewer } from '../auth/viewer';
import { RequestTracker, type RequestRecord } from './request-log';
import { rateKey, rateLimitedError, type RateLimiter } from './rate-limit';
import { localizeError, type ErrorLanguage } from '../graphql/error-language';

type Format = (formatted: GraphQLFormattedError, error: unknown, requestId?: string) => GraphQLFormattedError;

export interface WsGuardOptions<E> {
  schema: GraphQLSchema;
  tracker: RequestTracker;
  limiter: RateLimiter;
  format: Format;
  validationRules: ValidationRule[];
  /** The connection's language for error messages (codes unchanged), as `Accept-Language` sets it over HTTP. */
  languageOf: (extra: E) => ErrorLanguage;
}

type Hooks<P extends Record<string, unknown>, E> = Pick<ServerOptions<P, E>, 'onSubscribe' | 'onOperation' | 'onNext' | 'onError' | 'onComplete'>;

function codeOf(error: GraphQLFormattedError | undefined): string | null {
  if (!error) return null;
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** graphql-ws hooks; `viewerOf` reads the connection's current viewer from the socket's `extra`. */
export function wsGuard<P extends Record<string, unknown>, E extends object>(
  opts: WsGuardOptions<E>,
  viewerOf: (extra: E) => Viewer | undefined,
): Hooks<P, E> & { recordOf: (extra: E, id: string) => RequestRecord | undefined } {
  const operations = new WeakMap<E, Map<string, RequestRecord>>();
  const recordOf = (extra: E, id: string) => operations.get(extra)?.get(id);
  const end = (extra: E, id: string) => {
    const record = recordOf(extra, id);
    if (!record) return;
    operations.get(extra)?.delete(id);
    opts.tracker.end(record);
  };
  /**
   * Errors graphql-js raises about the request itself (validation, variable coercion) carry no
   * original error and no code: they get the client-error code Apollo would give them, so that the
   * masking below only hides errors that come from the server.
   */
  const formatAll = (extra: E, errors: readonly GraphQLError[], record: RequestRecord | undefined, clientCode: string) => {
    const language = opts.languageOf(extra);
    return errors.map((e) => {
      const json = e.toJSON();
      const tagged =
        !e.originalError && json.extensions?.code === undefined ? { ...json, extensions: { ...json.extensions, code: clientCode } } : json;
      return localizeError(opts.format(tagged, e, record?.requestId), language);
    });
  };

  return {
    recordOf,
    onSubscribe: (ctx, id, payload) => {
      const record = opts.tracker.newRecord('ws');
      const viewer = viewerOf(ctx.extra);
      RequestTracker.noteViewer(record, viewer ?? null);
      const byId = operations.get(ctx.extra) ?? new Map<string, RequestRecord>();
      byId.set(id, record);
      operations.set(ctx.extra, byId);
      const decision = opts.limiter.check(rateKey(viewer ?? null, undefined), 'ws');
      if (!decision.allowed) {
        record.outcome = 'RATE_LIMITED';
        return [rateLimitedError(decision.retryAfterSeconds, 'ws')];
      }
      if (opts.validationRules.length) {
        let errors: readonly GraphQLError[] = [];
        try {
          errors = validate(opts.schema, parse(payload.query), opts.validationRules);
        } catch {
          // A syntax error: graphql-ws reports it itself.
        }
        if (errors.length) return errors;
      }
      return undefined;
    },
    onOperation: (ctx, id, _payload, args: ExecutionArgs) => {
      const record = recordOf(ctx.extra, id);
      const operation = getOperationAST(args.document, args.operationName);
      if (record && operation) {
        record.resolved = true;
        record.operationName = operation.name?.value ?? null;
        record.operationType = operation.operation;
      }
      return undefined;
    },
    onNext: (ctx, id, _payload, _args, result) => {
      if (!result.errors?.length) return undefined;
      const record = recordOf(ctx.extra, id);
      const errors = formatAll(ctx.extra, result.errors, record, 'BAD_USER_INPUT');
      if (record) record.outcome ??= codeOf(errors[0]);
      return { ...result, errors };
    },
    onError: (ctx, id, _payload, errors) => {
      const record = recordOf(ctx.extra, id);
      const formatted = formatAll(ctx.extra, errors, record, 'GRAPHQL_VALIDATION_FAILED');
      if (record) {
        record.outcome ??= codeOf(formatted[0]) ?? 'GRAPHQL_VALIDATION_FAILED';
        // No complete message follows an error message: the operation ends here.
        end(ctx.extra, id);
      }
      return formatted;
    },
    onComplete: (ctx, id) => {
      end(ctx.extra, id);
    },
  };
}
