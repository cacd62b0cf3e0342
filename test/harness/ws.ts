import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';

export interface Received {
  cursor: string;
  type: string;
  incidentId: string;
  reference?: string | null;
}

export interface LiveSubscription {
  events: Received[];
  errors: unknown[];
  /** Resolves with the close code when the server closes the socket. */
  closed: Promise<number>;
  completed: Promise<void>;
  waitFor(predicate: (events: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  dispose(): Promise<void>;
}

export const INCIDENT_EVENTS = `subscription($incidentId: ID, $after: String) {
  incidentEvents(incidentId: $incidentId, after: $after) { cursor type incidentId incident { reference } } }`;

export interface Live<P> {
  payloads: P[];
  errors: unknown[];
  /** Resolves with the close code when the server closes the socket. */
  closed: Promise<number>;
  completed: Promise<void>;
  waitFor(predicate: (payloads: P[]) => boolean, timeoutMs?: number): Promise<P[]>;
  dispose(): Promise<void>;
}

/** A real graphql-ws client for `token`, connecting at once, with no retries (so a close is observed as it happens). */
export function connect(
  httpUrl: string,
  token: string,
  onClosed: (code: number) => void = () => undefined,
  onConnected: () => void = () => undefined,
): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined, // closes are observed through `onClosed`; no console noise
    on: { connected: () => onConnected(), closed: (e) => onClosed((e as { code: number }).code) },
  });
}

/**
 * A graphql-ws client (`connect`) that keeps each
 * delivered payload as it came, after `map`.
 */
function live<T, P>(
  httpUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
  map: (payload: T) => P,
  show: (payloads: P[]) => unknown,
): Live<P> {
  const payloads: P[] = [];
  const errors: unknown[] = [];
  let onClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((r) => (onClosed = r));
  let onComplete: () => void = () => undefined;
  const completed = new Promise<void>((r) => (onComplete = r));
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  const client = connect(httpUrl, token, (code) => onClosed(code));
  client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (v) => {
        if (v.errors) errors.push(...v.errors);
        const payload = v.data ? Object.values(v.data)[0] : null;
        if (payload) payloads.push(map(payload));
        notify();
      },
      error: (e) => {
        errors.push(e);
        notify();
      },
      complete: () => onComplete(),
    },
  );
  return {
    payloads,
    errors,
    closed,
    completed,
    waitFor: (predicate, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(payloads)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(payloads);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out; received ${JSON.stringify(show(payloads)).slice(0, 2000)}, errors ${JSON.stringify(errors)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    // graphql-ws's dispose() rejects when the server closed the socket while it was connecting (e.g. 1013 while the database is unavailable).
    dispose: () => Promise.resolve(client.dispose()).catch(() => undefined),
  };
}

type EventPayload = { cursor: string; type: string; incidentId: string; incident?: { reference: string } | null };

/** Incident events with the fields most tests compare (cursor, type, incident, reference). */
export function subscribe(httpUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): LiveSubscription {
  const l = live<EventPayload, Received>(
    httpUrl,
    token,
    query,
    variables,
    (p) => ({ cursor: p.cursor, type: p.type, incidentId: p.incidentId, reference: p.incident?.reference ?? null }),
    (events) => events.map((e) => e.type),
  );
  return { ...l, events: l.payloads };
}

/** Each delivered payload as it came. */
export function subscribePayloads<P = Record<string, unknown>>(
  httpUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Live<P> {
  return live<P, P>(
    httpUrl,
    token,
    query,
    variables,
    (p) => p,
    (p) => p,
  );
}
