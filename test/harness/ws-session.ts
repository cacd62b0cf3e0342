import type { GraphQLFormattedError } from 'graphql';
import { connect } from './ws';

export interface WsOutcome {
  data?: unknown;
  errors?: readonly GraphQLFormattedError[];
  /** A subscription the server accepted: it was still open after `openMs` and has been ended. */
  started?: boolean;
}

/**
 * One graphql-ws connection (no retries) that runs operations one answer at a time: the result of a
 * query or mutation, the errors of a refused operation, or `started` for a subscription that stayed open.
 */
export function wsSession(
  httpUrl: string,
  token: string,
  openMs = 3000,
): { run(body: { query: string; variables?: Record<string, unknown> }): Promise<WsOutcome>; dispose(): Promise<void> } {
  const client = connect(httpUrl, token);
  const run = (body: { query: string; variables?: Record<string, unknown> }) =>
    new Promise<WsOutcome>((resolve) => {
      let last: WsOutcome = {};
      let unsubscribe: () => void = () => undefined;
      const timer = setTimeout(() => {
        unsubscribe();
        resolve({ started: true });
      }, openMs);
      const done = (outcome: WsOutcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      unsubscribe = client.subscribe(body, {
        next: (v) => {
          last = v as WsOutcome;
          if (v.errors) done(last);
        },
        error: (e) => done({ errors: Array.isArray(e) ? (e as GraphQLFormattedError[]) : [{ message: String(e) }] }),
        complete: () => done(last),
      });
    });
  return {
    run,
    // graphql-ws's dispose() rejects when the server already closed the socket.
    dispose: () => Promise.resolve(client.dispose()).catch(() => undefined),
  };
}
