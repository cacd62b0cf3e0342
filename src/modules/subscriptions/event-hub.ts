import pg from 'pg';
import type { Logger } from 'pino';
import type { Db } from '../../db/db';
import { EVENT_CHANNEL, ORGANIZATION_CHANGED_CHANNEL, PRINCIPAL_CHANGED_CHANNEL } from '../../db/channels';
import { committedEventPosition, eventsAfter, listen, EVENT_PAGE, type HubEvent } from './subscription.repo';

export type BatchListener = (events: HubEvent[]) => Promise<void> | void;
export type PrincipalListener = (principalId: string) => void;
/**
 * `listening`: subscribed to the channels; `lost`: the connection is lost (notifications may be missed);
 * `changed`: an organization NOTIFY, with its payload (the process that sent it).
 */
export type OrganizationListener = (event: 'listening' | 'lost' | 'changed', from?: string) => void;

/**
 * One per server instance. A dedicated connection LISTENs (outside the pool: LISTEN needs a session),
 * every notification triggers one read of the events after the last dispatched position (positions
 * follow commit order, so nothing is skipped), and the batch goes to every listener once. After a
 * lost connection it reconnects, LISTENs again and catches up from the table.
 */
export class EventHub {
  private client: pg.Client | null = null;
  private lastPosition = '0';
  private readonly batchListeners = new Set<BatchListener>();
  private readonly principalListeners = new Set<PrincipalListener>();
  private readonly organizationListeners = new Set<OrganizationListener>();
  private fetching: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly pollMs = 2000,
  ) {}

  get position(): string {
    return this.lastPosition;
  }

  /** The newest committed event's position (positions follow commit order, so nothing committed lies above it). */
  async committedPosition(): Promise<string> {
    return committedEventPosition(this.db);
  }

  async start(): Promise<void> {
    this.lastPosition = await this.committedPosition();
    await this.connect();
    // A safety net for a notification lost while reconnecting: a cheap periodic catch-up.
    this.pollTimer = setInterval(() => this.poke(), this.pollMs);
    this.pollTimer.unref();
  }

  private organizationEvent(event: Parameters<OrganizationListener>[0], from?: string): void {
    for (const l of this.organizationListeners) l(event, from);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.db.url, application_name: 'incident-hub-listener' });
    client.on('error', (err) => {
      this.log.warn({ err: err.message }, 'event listener connection lost; reconnecting');
      this.scheduleReconnect();
    });
    client.on('end', () => this.scheduleReconnect());
    client.on('notification', (msg) => {
      if (msg.channel === EVENT_CHANNEL) this.poke();
      else if (msg.channel === PRINCIPAL_CHANGED_CHANNEL && msg.payload) for (const l of this.principalListeners) l(msg.payload);
      else if (msg.channel === ORGANIZATION_CHANGED_CHANNEL) this.organizationEvent('changed', msg.payload ?? '');
    });
    try {
      await client.connect();
      await listen(client, [EVENT_CHANNEL, PRINCIPAL_CHANGED_CHANNEL, ORGANIZATION_CHANGED_CHANNEL]);
      this.client = client;
      this.organizationEvent('listening');
      this.poke(); // catch up on whatever committed while we were not listening
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'event listener could not connect; retrying');
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    // Whatever NOTIFY is sent from now until listening again is missed: say so before anything else.
    this.organizationEvent('lost');
    if (this.stopped || this.reconnectTimer) return;
    this.client = null;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, 500);
  }

  /** Reads and dispatches new events; concurrent pokes coalesce into one more round. */
  poke(): void {
    if (this.fetching) {
      this.again = true;
      return;
    }
    this.fetching = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const batch = await eventsAfter(this.db, this.lastPosition);
            if (batch.length === 0) break;
            this.lastPosition = batch[batch.length - 1].position;
            for (const l of this.batchListeners) {
              try {
                await l(batch);
              } catch (err) {
                this.log.error({ err: (err as Error).message }, 'subscription dispatch failed');
              }
            }
            if (batch.length < EVENT_PAGE) break;
          }
        } while (this.again);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'reading new events failed; will retry');
      } finally {
        this.fetching = null;
      }
    })();
  }

  onBatch(l: BatchListener): () => void {
    this.batchListeners.add(l);
    return () => this.batchListeners.delete(l);
  }

  onPrincipalChanged(l: PrincipalListener): () => void {
    this.principalListeners.add(l);
    return () => this.principalListeners.delete(l);
  }

  /** Organization changes and whether they are being heard (src/app/bootstrap.ts keeps the organization cache by them). */
  onOrganizations(l: OrganizationListener): () => void {
    this.organizationListeners.add(l);
    return () => this.organizationListeners.delete(l);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.organizationEvent('lost');
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners('end');
      await c.end().catch(() => undefined);
    }
    await this.fetching;
  }
}
