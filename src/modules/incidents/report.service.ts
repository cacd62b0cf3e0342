import crypto from 'node:crypto';
import type { Context } from '../../graphql/context';
import { viewerOf } from '../../graphql/context';
import type { Queryable } from '../../db/db';
import { badInput, conflict } from '../../graphql/errors';
import { normalizeIndicators, IndicatorError, type NormalizedIndicator } from '../indicators/normalize';
import { vnDateParts } from '../../clock';
import { principalKey } from '../../auth/viewer';
import { appendEvents } from './events';
import { insertIndicators } from '../indicators/indicator.repo';
import { resolveAddressee, resolveConnectivityProvider, normalizePublicIps, routeReport } from './routing';
import type { ReportIncidentInput } from './incident.types';
import { IncidentEntity, type IncidentStatus } from './incident.entity';
import { incidentByIdempotencyKey, incidentReferenceAndStatus, nextReferenceNumber } from './incident.repo';
import { coordinatorOrganization } from './routing.repo';

/** Thrown inside the transaction to roll it back (returning the taken number) when the key was used before. */
class IdempotentReplay extends Error {
  constructor(
    readonly incidentId: string,
    readonly sameInput: boolean,
  ) {
    super('idempotent replay');
  }
}

export interface ReportResult {
  incidentId: string;
  reference: string;
  status: IncidentStatus;
  duplicate: boolean;
}

const MAX_CLOCK_SKEW_MS = 5 * 60_000;

function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The request fingerprint an idempotency key is bound to (everything but the key itself). */
function requestHash(input: ReportIncidentInput): string {
  const { idempotencyKey: _ignored, ...rest } = input;
  return crypto.createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** The receipt reference: the year's next number (gap-free: see nextReferenceNumber), in the national format. */
async function takeReference(q: Queryable, at: Date): Promise<string> {
  const { year } = vnDateParts(at);
  const n = await nextReferenceNumber(q, year);
  return `VN-${year}-${String(n).padStart(6, '0')}`;
}

export async function reportIncident(ctx: Context, input: ReportIncidentInput): Promise<ReportResult> {
  const viewer = viewerOf(ctx);
  const now = ctx.clock.now();
  // BAD_USER_INPUT first (DESIGN.md §3 precedence): everything judged without a target object.
  let indicators: NormalizedIndicator[];
  try {
    indicators = normalizeIndicators(input.indicators ?? []);
  } catch (err) {
    if (err instanceof IndicatorError) throw badInput(err.index >= 0 ? `input.indicators[${err.index}].value` : 'input.indicators', err.message);
    throw err;
  }
  if (!input.title.trim()) throw badInput('input.title', 'title must not be blank');
  if (!input.description.trim()) throw badInput('input.description', 'description must not be blank');
  if (!input.reporterContact.name.trim()) throw badInput('input.reporterContact.name', 'name must not be blank');
  if (input.detectedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) throw badInput('input.detectedAt', 'detectedAt is in the future');
  if (input.occurredAt && input.occurredAt.getTime() > input.detectedAt.getTime()) {
    throw badInput('input.occurredAt', 'occurredAt must not be after detectedAt');
  }
  const publicIps = normalizePublicIps(input.affectedSystem?.publicIps);
  const reportTo = await resolveAddressee(ctx.db, viewerOf(ctx), input.reportTo);
  const provider = await resolveConnectivityProvider(ctx.db, viewerOf(ctx), input.affectedSystem?.connectivityProvider);
  ctx.authz.require('INCIDENT_REPORT', 'reporting an incident');

  const hash = requestHash(input);
  const principal = principalKey(viewer);
  const idempotencyKey = input.idempotencyKey ?? null;

  const lookupExisting = async (q: Queryable) => {
    if (!idempotencyKey) return;
    const existing = await incidentByIdempotencyKey(q, principal, idempotencyKey);
    if (existing) throw new IdempotentReplay(existing.id, existing.request_hash === hash);
  };

  try {
    return await ctx.db.transactional(async (em, q) => {
      const coordinator = await coordinatorOrganization(q);
      const routing = await routeReport(q, { scope: input.scope, reportTo, publicIps, connectivityProvider: provider }, coordinator);
      const reference = await takeReference(q, now);
      // Checked after the counter's row lock: concurrent retries with one key are serialized by it.
      await lookupExisting(q);
      const toCoordinator = routing.handler.id === coordinator.id;
      const affectedSystem = input.affectedSystem
        ? {
            name: input.affectedSystem.name ?? null,
            level: input.affectedSystem.level ?? null,
            operator: input.affectedSystem.operator ?? null,
            publicIps,
            connectivityProvider: provider?.code ?? null,
          }
        : null;
      const contact = {
        name: input.reporterContact.name.trim(),
        email: input.reporterContact.email ?? null,
        phone: input.reporterContact.phone ?? null,
        organizationName: input.reporterContact.organizationName ?? null,
      };
      const incident = em.create(IncidentEntity, {
        id: crypto.randomUUID(),
        reference,
        title: input.title.trim(),
        description: input.description,
        scope: input.scope,
        status: 'REPORTED',
        tlp: input.tlp,
        confidential: input.confidential,
        reporterContact: contact,
        reportingOrgId: viewer.organization.id,
        reporterAccountId: viewer.principal.type === 'ACCOUNT' ? viewer.principal.id : null,
        reporterApiKeyId: viewer.principal.type === 'API_KEY' ? viewer.principal.id : null,
        handlerOrgId: routing.handler.id,
        addresseeOrgId: reportTo?.id ?? null,
        coordinatorOrgId: toCoordinator ? coordinator.id : null,
        coordinatorOwns: toCoordinator,
        affectedSystem,
        occurredAt: input.occurredAt ?? null,
        detectedAt: input.detectedAt,
        reportedAt: now,
        idempotencyPrincipal: idempotencyKey ? principal : null,
        idempotencyKey,
        requestHash: idempotencyKey ? hash : null,
        version: 1,
        updatedAt: now,
      });
      await em.flush();
      const incidentId = incident.id;
      // Set-based, merging duplicates in the database: SQL on the same transaction.
      await insertIndicators(q, incidentId, indicators, now, 'REPORT');
      await appendEvents(q, viewer, now, [
        {
          incidentId,
          type: 'REPORTED',
          data: {
            reference,
            status: 'REPORTED',
            handler: routing.handler.code,
            routing: routing.rule,
            addressee: reportTo?.code ?? null,
            indicators: indicators.length,
          },
        },
      ]);
      return { incidentId, reference, status: 'REPORTED', duplicate: false };
    });
  } catch (err) {
    if (err instanceof IdempotentReplay) return replay(ctx, err);
    // Two first attempts with one key racing across a year boundary: the unique index decides.
    if ((err as { code?: string; constraint?: string }).constraint === 'incident_idempotency') {
      const existing = await incidentByIdempotencyKey(ctx.db, principal, idempotencyKey);
      if (existing) return replay(ctx, new IdempotentReplay(existing.id, existing.request_hash === hash));
    }
    throw err;
  }
}

async function replay(ctx: Context, r: IdempotentReplay): Promise<ReportResult> {
  if (!r.sameInput) {
    throw conflict('This idempotencyKey was already used with a different report', { field: 'input.idempotencyKey' });
  }
  const row = await incidentReferenceAndStatus(ctx.db, r.incidentId);
  return { incidentId: r.incidentId, reference: row!.reference, status: row!.status, duplicate: true };
}
