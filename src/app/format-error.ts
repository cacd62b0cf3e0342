import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';
import { HubError } from '../graphql/errors';
import { DatabaseUnavailableError, DATABASE_UNAVAILABLE_MESSAGE } from '../db/db';

function firstConstraint(errors: ValidationError[], prefix: string): { field: string; message: string } | null {
  for (const e of errors) {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      const message = Object.values(e.constraints)[0];
      return { field: path, message: `${path}: ${message}` };
    }
    const nested = firstConstraint(e.children ?? [], path);
    if (nested) return nested;
  }
  return null;
}

/**
 * A refusal Apollo Server raises about the request itself, before execution, with a 4xx status and no
 * code (an automatic persisted query whose hash does not match its query, an unsupported persisted
 * query version): the client's mistake, not an internal error.
 */
function isCodelessClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions?.code !== undefined) return false;
  const status = (error.extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** graphql-js's suggestions of schema names, always at the end of a message ("Did you mean "incidents"?"). */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * Every error leaves with a code from DESIGN.md §4. Errors meant for the client (HubError, input
 * validation) keep their message; anything unexpected is logged and, in production, masked down to
 * a request id. With `hideSuggestions` (introspection not fully open), client errors lose graphql-js's
 * "Did you mean …" suggestions — validation and variable coercion alike, on HTTP and WebSocket, which
 * both format here (Apollo's own `hideSchemaDetailsFromClientErrors` covers HTTP validation only).
 */
export function formatError(opts: { mask: boolean; log: Logger; hideSuggestions?: boolean; requestId?: (error: unknown) => string | undefined }) {
  // The third argument is for callers outside Apollo (graphql-ws), which know their request id;
  // Apollo's errors carry it as a tag (request-log.ts).
  return (formatted: GraphQLFormattedError, error: unknown, requestId: string | undefined = opts.requestId?.(error)): GraphQLFormattedError => {
    const traced = requestId ? { requestId } : {};
    const original = unwrapResolverError(error);
    if (original instanceof HubError) {
      // `http` only sets the response status; it is not part of the error clients read.
      const { http: _http, ...extensions } = original.extensions as Record<string, unknown>;
      return { ...formatted, message: original.message, extensions };
    }
    if (original instanceof ArgumentValidationError) {
      const found = firstConstraint(original.extensions.validationErrors as ValidationError[], 'input');
      return {
        ...formatted,
        message: found?.message ?? 'Invalid input',
        extensions: { code: 'BAD_USER_INPUT', field: found?.field ?? null },
      };
    }
    if (original instanceof DatabaseUnavailableError) {
      return { ...formatted, message: DATABASE_UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE', ...traced } };
    }
    if (isCodelessClientError(original)) return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_REQUEST' } };
    const code = formatted.extensions?.code;
    // Parse, validation and variable-coercion errors from graphql-js / Apollo are the client's, not ours.
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      return opts.hideSuggestions ? { ...formatted, message: formatted.message.replace(SUGGESTION, '') } : formatted;
    }
    opts.log.error(
      { requestId, err: original instanceof Error ? { message: original.message, stack: original.stack } : original, path: formatted.path },
      'internal error',
    );
    if (opts.mask) {
      // Only the request id leaves: it finds the log line above (and the request's own line).
      return {
        message: 'Internal error',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'INTERNAL_SERVER_ERROR', ...traced },
      };
    }
    return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR', ...traced } };
  };
}
