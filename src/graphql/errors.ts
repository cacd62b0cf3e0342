import { GraphQLError } from 'graphql';
import { DATABASE_UNAVAILABLE_MESSAGE } from '../db/db';

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'INVALID_TRANSITION',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error the client is meant to read: its message and extensions are never masked. */
export class HubError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export const unauthenticated = (message = 'Authentication required: send "Authorization: Bearer <token or API key>"') =>
  new HubError('UNAUTHENTICATED', message);
export const forbidden = (message: string, extensions: Record<string, unknown> = {}) => new HubError('FORBIDDEN', message, extensions);
/** One text for "missing" and "not yours", so the answer does not tell them apart. */
export const notFound = (type: string) => new HubError('NOT_FOUND', `${type} not found`);
export const badInput = (field: string, message: string) => new HubError('BAD_USER_INPUT', message, { field });
export const conflict = (message: string, extensions: Record<string, unknown> = {}) => new HubError('CONFLICT', message, extensions);
export const invalidTransition = (message: string, allowed: string[], reason?: string) =>
  new HubError('INVALID_TRANSITION', message, { allowed, ...(reason ? { reason } : {}) });
/** SERVICE_UNAVAILABLE, the one way it is built (the database's message unless another is given). */
export const serviceUnavailable = (message = DATABASE_UNAVAILABLE_MESSAGE, extensions: Record<string, unknown> = {}) =>
  new HubError('SERVICE_UNAVAILABLE', message, extensions);
