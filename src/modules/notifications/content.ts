import crypto from 'node:crypto';
import { execute, parse, type GraphQLSchema, type DocumentNode } from 'graphql';
import type { Services } from '../../graphql/context';
import { createContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/relay';
import type { Viewer, ViewerOrganization } from '../../auth/viewer';
import { apiKeyRole, roleCapabilities } from '../../auth/capabilities';
import { activeOrganization } from './notifications.repo';

/**
 * What a notification says about its objects, read through the rulebook: the same GraphQL selection a
 * HANDLER of the recipient organization would send (a constituent's REPORTER), executed on the hub's
 * schema with that organization's viewer at delivery time. The projection, the views and the field
 * rules apply exactly as on any other path; an object the recipient cannot see reads as null, and
 * then nothing of it is sent.
 */
export const INCIDENT_SELECTION = `query NotificationIncident($id: ID!) {
  incident(id: $id) {
    id reference title status tlp severity scope confidential accessLevel
    classification { rsitClass rsitType nationalCategory }
    handler { code name } coordinator { code }
    detectedAt reportedAt updatedAt finalReportDueAt version
  }
}`;

export const DIRECTIVE_SELECTION = `query NotificationDirective($id: ID!) {
  node(id: $id) {
    ... on Directive {
      id action instructions status tlp pap dueAt acknowledgementDueAt overdue result declineReason version
      issuer { code } recipient { code }
      targets { type value }
      incident { id reference title status tlp accessLevel }
    }
  }
}`;

const documents = new Map<string, DocumentNode>();
function doc(text: string): DocumentNode {
  let d = documents.get(text);
  if (!d) {
    d = parse(text);
    documents.set(text, d);
  }
  return d;
}

/** The organization's reader: its HANDLER role (REPORTER for a constituent), as an API key acts. */
export function recipientViewer(org: ViewerOrganization): Viewer {
  const role = apiKeyRole(org.kind);
  return {
    principal: { type: 'API_KEY', id: '00000000-0000-0000-0000-000000000000', name: `${org.code} notifications`, expiresAt: null },
    organization: org,
    memberRole: role,
    capabilities: new Set(roleCapabilities(org.kind, role)),
    credentialExpiresAt: null,
  };
}

export async function loadViewerOrganization(services: Services, organizationId: string): Promise<ViewerOrganization | null> {
  const row = await activeOrganization(services.db, organizationId);
  return row ? { ...row, zones: row.zones } : null;
}

export type NotificationData = { incident: Record<string, unknown> } | { directive: Record<string, unknown> } | Record<string, never>;

/** The `data` of a notification for its recipient, or null when the recipient can no longer see the object. */
export async function readContent(
  services: Services,
  schema: GraphQLSchema,
  org: ViewerOrganization,
  target: { incidentId: string | null; directiveId: string | null },
): Promise<NotificationData | null> {
  const ctx = createContext(services, recipientViewer(org), `notify-${crypto.randomUUID()}`);
  if (target.directiveId) {
    const result = await execute({
      schema,
      document: doc(DIRECTIVE_SELECTION),
      contextValue: ctx,
      variableValues: { id: toGlobalId('Directive', target.directiveId) },
    });
    if (result.errors?.length) throw new Error(`notification content: ${result.errors[0].message}`);
    const node = (result.data as { node: Record<string, unknown> | null } | null)?.node ?? null;
    return node && Object.keys(node).length ? { directive: node } : null;
  }
  if (target.incidentId) {
    const result = await execute({
      schema,
      document: doc(INCIDENT_SELECTION),
      contextValue: ctx,
      variableValues: { id: toGlobalId('Incident', target.incidentId) },
    });
    if (result.errors?.length) throw new Error(`notification content: ${result.errors[0].message}`);
    const incident = (result.data as { incident: Record<string, unknown> | null } | null)?.incident ?? null;
    return incident ? { incident } : null;
  }
  return {};
}
