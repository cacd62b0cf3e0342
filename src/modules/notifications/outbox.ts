import type { Queryable } from '../../db/db';
import { STATUS_EVENT_TYPES } from '../../auth/views';
import type { NotificationKind } from './notification.entity';
import { incidentFactsOf, insertIntents, type Facts, type Intent, type WrittenEvent } from './outbox.repo';

// The event writer (incidents/events.repo.ts) may import this file only (eslint.config.mjs `outbox`).
export type { WrittenEvent } from './outbox.repo';

/** Status changes the REPORTER view shows (DESIGN.md §3 row 3; the rulebook's event classes), other than the report itself. */
const REPORTER_STATUS_EVENTS: ReadonlySet<string> = new Set(STATUS_EVENT_TYPES.filter((t) => t !== 'REPORTED'));
const DIRECTIVE_ANSWERS = new Set(['DIRECTIVE_ACKNOWLEDGED', 'DIRECTIVE_COMPLETED', 'DIRECTIVE_DECLINED']);

/**
 * DESIGN.md §7 "What notifies whom", from events already written: one intent per recipient organization
 * and event. An organization is not notified of what it did itself, except the reporter's receipt.
 */
export function intentsFor(
  events: readonly WrittenEvent[],
  facts: Map<string, Facts>,
  directives: Map<string, { recipient_org_id: string; issuer_org_id: string }>,
): Intent[] {
  const out: Intent[] = [];
  for (const e of events) {
    const f = facts.get(e.incident_id);
    if (!f) continue;
    const add = (kind: NotificationKind, organizationId: string | null | undefined, opts: { email?: string | null; self?: boolean } = {}) => {
      if (!organizationId) return;
      if (!opts.self && organizationId === e.actor_org_id) return;
      if (out.some((o) => o.kind === kind && o.organizationId === organizationId && o.position === e.position)) return;
      out.push({ kind, organizationId, incidentId: e.incident_id, directiveId: e.directive_id, position: e.position, email: opts.email ?? null });
    };
    const owner = f.coordinator_owns ? (f.coordinator_org_id ?? f.coordinator_id) : f.handler_org_id;
    switch (e.type) {
      case 'REPORTED':
        add('REPORT_RECEIVED', f.reporting_org_id, { email: f.receipt_email, self: true });
        add('INCIDENT_ASSIGNED', f.handler_org_id);
        break;
      case 'ESCALATED':
        add('INCIDENT_ASSIGNED', f.coordinator_id);
        break;
      case 'RETURNED':
        add('INCIDENT_ASSIGNED', f.handler_org_id);
        break;
      case 'COORDINATION_STARTED':
        add('INCIDENT_ASSIGNED', owner);
        break;
      case 'SHARED':
        add('INCIDENT_SHARED', typeof e.data.organizationId === 'string' ? e.data.organizationId : null);
        break;
      case 'REFERRED':
        add('INCIDENT_REFERRED', typeof e.data.organizationId === 'string' ? e.data.organizationId : null);
        break;
      case 'DIRECTIVE_ISSUED':
        add('DIRECTIVE_ISSUED', e.directive_id ? directives.get(e.directive_id)?.recipient_org_id : null);
        break;
      default:
        if (DIRECTIVE_ANSWERS.has(e.type) && e.directive_id) add('DIRECTIVE_ANSWERED', directives.get(e.directive_id)?.issuer_org_id);
    }
    if (REPORTER_STATUS_EVENTS.has(e.type) && f.reporting_kind === 'CONSTITUENT')
      add('REPORT_STATUS_CHANGED', f.reporting_org_id, { email: f.receipt_email });
  }
  return out;
}

/**
 * The transactional outbox: called by `appendEvents` in the event's transaction, so intents and their
 * deliveries commit (or roll back) with the change. Two statements: the facts, then one insert.
 */
export async function recordNotifications(q: Queryable, at: Date, events: readonly WrittenEvent[]): Promise<void> {
  const incidentIds = [...new Set(events.map((e) => e.incident_id))];
  const directiveIds = [...new Set(events.map((e) => e.directive_id).filter((d): d is string => !!d))];
  const rows = await incidentFactsOf(q, incidentIds, directiveIds);
  const facts = new Map<string, Facts>();
  const directives = new Map<string, { recipient_org_id: string; issuer_org_id: string }>();
  for (const r of rows) {
    facts.set(r.id, r);
    if (r.directive_id && r.recipient_org_id && r.issuer_org_id)
      directives.set(r.directive_id, { recipient_org_id: r.recipient_org_id, issuer_org_id: r.issuer_org_id });
  }
  await insertIntents(q, at, intentsFor(events, facts, directives));
}
