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

/** A real graphql-ws client (no retries, so a close is observed as it happens). */
export function subscribe(httpUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): LiveSubscription {
  const events: Received[] = [];
  const errors: unknown[] = [];
  let onClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((r) => (onClosed = r));
  let onComplete: () => void = () => undefined;
  const completed = new Promise<void>((r) => (onComplete = r));
  const listeners = new Set<() => void>();
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined, // closes are observed through `closed`; no console noise
    on: { closed: (e) => onClosed((e as { code: number }).code) },
  });
  client.subscribe<Record<string, { cursor: string; type: string; incidentId: string; incident?: { reference: string } | null }>>(
    { query, variables },
    {
      next: (v) => {
        if (v.errors) errors.push(...v.errors);
        const payload = v.data ? Object.values(v.data)[0] : null;
        if (payload) events.push({ cursor: payload.cursor, type: payload.type, incidentId: payload.incidentId, reference: payload.incident?.reference ?? null });
        for (const l of listeners) l();
      },
      error: (e) => {
        errors.push(e);
        for (const l of listeners) l();
      },
      complete: () => onComplete(),
    },
  );
  return {
    events,
    errors,
    closed,
    completed,
    waitFor: (predicate, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(events)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(events);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out; received ${JSON.stringify(events.map((e) => e.type))}, errors ${JSON.stringify(errors)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    // graphql-ws's dispose() rejects when the server closed the socket while it was connecting (e.g. 1013 while the database is unavailable).
    dispose: () => Promise.resolve(client.dispose()).catch(() => undefined),
  };
}

/** A graphql-ws client that keeps each delivered payload as it came (the harness's client keeps only a few fields). */
export interface Live<P> {
  payloads: P[];
  errors: unknown[];
  waitFor(predicate: (payloads: P[]) => boolean, timeoutMs?: number): Promise<P[]>;
  dispose(): Promise<void>;
}
export function subscribePayloads<P = Record<string, unknown>>(httpUrl: string, auth: string, query: string, variables: Record<string, unknown> = {}): Live<P> {
  const payloads: P[] = [];
  const errors: unknown[] = [];
  const listeners = new Set<() => void>();
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${auth}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
  client.subscribe<Record<string, P>>({ query, variables }, {
    next: (v) => {
      if (v.errors) errors.push(...v.errors);
      if (v.data) payloads.push(Object.values(v.data)[0]);
      for (const l of listeners) l();
    },
    error: (e) => {
      errors.push(e);
      for (const l of listeners) l();
    },
    complete: () => undefined,
  });
  return {
    payloads,
    errors,
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
          reject(new Error(`timed out; received ${JSON.stringify(payloads).slice(0, 2000)}, errors ${JSON.stringify(errors)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    dispose: () => Promise.resolve(client.dispose()).catch(() => undefined),
  };
}
