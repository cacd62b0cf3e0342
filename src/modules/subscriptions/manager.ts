import crypto from 'node:crypto';
import type { Db } from '../../db/db';
import type { Viewer } from '../../auth/viewer';
import { inWildcardStream, type AccessLevel } from '../../auth/views';
import type { EventHub } from './event-hub';
import {
  batchVisibility,
  incidentAccessLevels,
  scopedEventsAfter,
  streamedDirectivesByViewer,
  EVENT_PAGE,
  type HubEvent,
  type Scope,
} from './subscription.repo';

declare module '../../graphql/context' {
  interface Services {
    /** Live events (absent in one-off contexts such as the demo-data loader). */
    subscriptions?: SubscriptionManager;
  }
}

export type { Scope } from './subscription.repo';

/** What a subscriber receives: a real event (visible to it), or a synthetic access change. */
export type Delivery =
  | { kind: 'EVENT'; event: HubEvent; access: AccessLevel | null }
  | { kind: 'ACCESS_REVOKED' | 'ACCESS_GRANTED'; incidentId: string; position: string; at: Date };

/** One subscription of one socket. Its viewer is read through the socket's holder, so role changes apply. */
export class Subscriber {
  readonly queue: Delivery[] = [];
  private wake: (() => void) | null = null;
  ended = false;
  replaying = true;
  private pending: HubEvent[][] = [];
  /** Incidents this subscriber received events for (for ACCESS_REVOKED), and those it lost. */
  readonly delivered = new Set<string>();
  readonly revoked = new Set<string>();

  constructor(
    readonly viewer: () => Viewer,
    readonly scope: Scope,
    public lastPosition: string,
    private readonly maxBuffer: number,
    private readonly onOverflow: () => void,
    /** Events could not be evaluated (the database went away mid-batch): the client must resume from its last cursor. */
    private readonly onFailure: () => void = () => undefined,
  ) {}

  /** Ends the subscription without skipping anything silently: the client is told to resume with `after`. */
  fail(): void {
    if (this.ended) return;
    this.onFailure();
    this.end();
  }

  push(d: Delivery): void {
    if (this.ended) return;
    if (this.queue.length >= this.maxBuffer) {
      // A consumer that cannot keep up is closed with a clear reason; it resumes with `after`.
      this.end();
      this.onOverflow();
      return;
    }
    this.queue.push(d);
    this.wake?.();
  }

  hold(batch: HubEvent[]): void {
    this.pending.push(batch);
  }

  takePending(): HubEvent[][] {
    const p = this.pending;
    this.pending = [];
    return p;
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async next(): Promise<Delivery | null> {
    while (this.queue.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return this.queue.shift() ?? null;
  }
}

/** What the rulebook decided on one batch for one group of subscribers. */
interface Decision {
  /** The batch's incidents the group sees, with the view. */
  access: Map<string, AccessLevel>;
  /** The batch's events the group's view shows. */
  visibleEvents: Set<string>;
  /** The batch's directives in the group's directive stream. */
  myDirectives: Set<string>;
}

const ZERO = BigInt(0);
const big = (s: string) => (/^\d+$/.test(s) ? BigInt(s) : ZERO);

/**
 * Delivers committed events to subscribers. Visibility is evaluated once per batch for each group of
 * subscribers that share an organization and capability set (views depend on nothing else), with the
 * rulebook's SQL: which incidents are visible and in which view, and which events the view shows.
 */
export class SubscriptionManager {
  private readonly subscribers = new Set<Subscriber>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly hub: EventHub,
    readonly maxBuffer = 1000,
  ) {}

  start(): void {
    this.unsubscribe = this.hub.onBatch((batch) => this.dispatch(batch));
  }

  stop(): void {
    this.unsubscribe?.();
    for (const s of this.subscribers) s.end();
    this.subscribers.clear();
  }

  get count(): number {
    return this.subscribers.size;
  }

  /** Registers first (live batches are held), replays the missed events from the table, then goes live: exactly once, in order. */
  async subscribe(viewer: () => Viewer, scope: Scope, after: string | null, onOverflow: () => void, onFailure?: () => void): Promise<Subscriber> {
    const sub = new Subscriber(viewer, scope, after ?? this.hub.position, this.maxBuffer, onOverflow, onFailure);
    this.subscribers.add(sub);
    try {
      if (after !== null) await this.replay(sub);
      // Without a cursor a subscription starts now: events committed before it (even those this instance has
      // not fetched yet) are not "live"; batches held meanwhile are filtered by this position.
      else sub.lastPosition = await this.hub.committedPosition();
      // A resumed incident subscription whose incident is no longer visible: one ACCESS_REVOKED, then done.
      if (scope.kind === 'INCIDENT' && scope.incidentId && after !== null && !sub.revoked.has(scope.incidentId)) {
        const access = await incidentAccessLevels(this.db, viewer(), [scope.incidentId]);
        if (!access.has(scope.incidentId)) this.revoke(sub, scope.incidentId, sub.lastPosition, new Date());
      }
      // The batches held meanwhile, in order. Batches arriving while they are evaluated are held too: going
      // live before the last held one is done would let a newer batch move the position past older events,
      // which would then be dropped as already seen.
      for (let held = sub.takePending(); held.length > 0; held = sub.takePending()) {
        for (const batch of held) await this.evaluate([sub], batch);
      }
      sub.replaying = false;
    } catch (err) {
      // Never returned to a client: it must not stay registered (it would fill up and close the socket as "slow").
      this.remove(sub);
      throw err;
    }
    return sub;
  }

  remove(sub: Subscriber): void {
    sub.end();
    this.subscribers.delete(sub);
  }

  private async replay(sub: Subscriber): Promise<void> {
    for (;;) {
      const page = await scopedEventsAfter(this.db, sub.lastPosition, sub.scope);
      if (page.length === 0) return;
      await this.evaluate([sub], page);
      if (page.length < EVENT_PAGE || sub.ended) return;
    }
  }

  private async dispatch(batch: HubEvent[]): Promise<void> {
    const groups = new Map<string, Subscriber[]>();
    for (const s of this.subscribers) {
      if (s.ended) continue;
      if (s.replaying) {
        s.hold(batch);
        continue;
      }
      const v = s.viewer();
      const key = `${v.organization.id}|${v.organization.zones.join(',')}|${[...v.capabilities].sort().join(',')}`;
      const list = groups.get(key);
      if (list) list.push(s);
      else groups.set(key, [s]);
    }
    if (groups.size === 0) return;
    const members = [...groups.values()];
    let decisions: Decision[];
    try {
      decisions = await this.decide(
        members.map((subs) => subs[0].viewer()),
        batch,
      );
    } catch {
      // The batch was read but could not be evaluated (the database went away in between). Skipping it
      // would be a silent gap: these subscribers end, and their clients resume from their last cursor.
      for (const s of members.flat()) {
        s.fail();
        this.subscribers.delete(s);
      }
      return;
    }
    members.forEach((subs, g) => this.deliver(subs, batch, decisions[g]));
  }

  /**
   * The rulebook's decisions on a batch for each viewer (one per group: views and decisions depend on
   * nothing else), in one statement for every group, two when the batch has directive events. Two
   * statements per group cost the hub 12–20 ms of CPU per batch with 27 organizations subscribed, one
   * statement 1–3 ms (`npm run bench`, subscriptions); the database's work is about the same.
   */
  private async decide(viewers: Viewer[], batch: HubEvent[]): Promise<Decision[]> {
    const incidentIds = [...new Set(batch.map((e) => e.incident_id))];
    const eventIds = batch.map((e) => e.id);
    const decisions: Decision[] = viewers.map(() => ({ access: new Map(), visibleEvents: new Set(), myDirectives: new Set() }));
    const rows = await batchVisibility(this.db, viewers, incidentIds, eventIds);
    for (const r of rows) {
      const d = decisions[r.g];
      d.access.set(r.id, r.access_level);
      if (r.event_id) d.visibleEvents.add(r.event_id);
    }
    const directiveIds = [...new Set(batch.map((e) => e.directive_id).filter((d): d is string => !!d))];
    if (directiveIds.length) {
      const mine = await streamedDirectivesByViewer(this.db, viewers, directiveIds);
      for (const r of mine) decisions[r.g].myDirectives.add(r.id);
    }
    return decisions;
  }

  /** The same decision for every subscriber of one group. */
  private async evaluate(subs: Subscriber[], batch: HubEvent[]): Promise<void> {
    const [decision] = await this.decide([subs[0].viewer()], batch);
    this.deliver(subs, batch, decision);
  }

  private deliver(subs: Subscriber[], batch: HubEvent[], decision: Decision): void {
    // One delivery object per event for the whole group: the GraphQL answer to it is then computed once
    // per selection and shared by the group's subscribers (shared-execution.ts).
    const deliveries = new Map<string, Delivery>();
    const deliveryOf = (e: HubEvent, access: AccessLevel | null): Delivery => {
      let d = deliveries.get(e.id);
      if (!d) {
        d = { kind: 'EVENT', event: e, access };
        deliveries.set(e.id, d);
      }
      return d;
    };
    for (const sub of subs) {
      for (const e of batch) {
        if (sub.ended) break;
        if (big(e.position) <= big(sub.lastPosition)) continue;
        sub.lastPosition = e.position;
        const access = decision.access.get(e.incident_id) ?? null;
        this.route(sub, e, access, decision.visibleEvents.has(e.id), e.directive_id ? decision.myDirectives.has(e.directive_id) : false, () =>
          deliveryOf(e, access),
        );
      }
    }
  }

  private route(
    sub: Subscriber,
    e: HubEvent,
    access: AccessLevel | null,
    eventVisible: boolean,
    myDirective: boolean,
    delivery: () => Delivery,
  ): void {
    const scope = sub.scope;
    if (scope.kind === 'DIRECTIVE') {
      if (e.type.startsWith('DIRECTIVE_') && myDirective) sub.push(delivery());
      return;
    }
    if (scope.incidentId && e.incident_id !== scope.incidentId) return;
    const incident = e.incident_id;
    if (access === null) {
      // Lost every view: one ACCESS_REVOKED for an incident it received events for (or follows by id).
      if ((sub.delivered.has(incident) || scope.incidentId === incident) && !sub.revoked.has(incident))
        this.revoke(sub, incident, e.position, e.occurred_at);
      return;
    }
    // The wildcard stream carries incidents with a view other than SUMMARY; a SUMMARY one is followed by id.
    if (!scope.incidentId && !inWildcardStream(access)) return;
    if (sub.revoked.has(incident)) {
      sub.revoked.delete(incident);
      sub.push({ kind: 'ACCESS_GRANTED', incidentId: incident, position: e.position, at: e.occurred_at });
    }
    if (!eventVisible) return;
    sub.delivered.add(incident);
    sub.push(delivery());
  }

  private revoke(sub: Subscriber, incidentId: string, position: string, at: Date): void {
    sub.revoked.add(incidentId);
    sub.delivered.delete(incidentId);
    sub.push({ kind: 'ACCESS_REVOKED', incidentId, position, at });
    if (sub.scope.kind === 'INCIDENT' && sub.scope.incidentId === incidentId) sub.end(); // an incident subscription then completes
  }
}

export const syntheticEventId = () => crypto.randomUUID();
