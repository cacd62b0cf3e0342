import { DatabaseUnavailableError, isConnectionError, serviceUnavailableExtensions } from '../db/db';
import { HubError, serviceUnavailable } from './errors';

/**
 * The database being down (stopped, restarting, connections cut) as clients see it: over HTTP
 * `SERVICE_UNAVAILABLE` with status 503 and `Retry-After`, never UNAUTHENTICATED or an internal error
 * (authentication reads the database on every request, so an outage shows there first); over
 * graphql-ws a close with 1013 "Try Again Later", on which graphql-ws clients retry and resume with `after`.
 */
export const WS_TRY_AGAIN_LATER = 1013;
export const WS_UNAVAILABLE_REASON = 'Database unavailable: reconnect and resume with after';

export function isDatabaseDown(err: unknown): boolean {
  return err instanceof DatabaseUnavailableError || isConnectionError(err);
}

export function serviceUnavailableError(): HubError {
  return serviceUnavailable(undefined, { http: serviceUnavailableExtensions().http });
}

/** Whether an execution result failed because the database was down (its errors' original error says so). */
export function hitDatabaseDown(errors: readonly { originalError?: Error | null }[] | undefined): boolean {
  return !!errors?.some((e) => isDatabaseDown(e.originalError));
}
