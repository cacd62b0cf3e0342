/**
 * The PostgreSQL NOTIFY channels of the hub, one name each: the writers (pg_notify in a transaction)
 * and the listener (src/modules/subscriptions/event-hub.ts) import them from here.
 */
/** A timeline event was committed; the payload is its position. */
export const EVENT_CHANNEL = 'hub_incident_events';
/**
 * A change to an account, an API key or an organization's authorization facts (payload: the
 * principal's uuid), so that every instance can close that principal's open WebSockets. Sent inside the
 * changing transaction: NOTIFY is delivered only if it commits.
 */
export const PRINCIPAL_CHANGED_CHANNEL = 'hub_principal_changed';
/**
 * An organization was created or changed (payload: the id of the process that changed it): every other
 * process empties its cache of organizations (src/modules/organizations/organization.loaders.ts). Sent
 * inside the changing transaction.
 */
export const ORGANIZATION_CHANGED_CHANNEL = 'hub_organization_changed';
