import type { Capability } from './capabilities';

/**
 * `node(id)` and `_entities` type dispatch (DESIGN.md §3: the same view on every path): the types a
 * global id or a federation representation may name, and the capability reading each one needs. A
 * type not listed, or a viewer without the capability, reads exactly like a missing object (null);
 * past this, each type's own visibility rule decides (views.ts, in the batch query of its loader).
 */
export const NODE_TYPES: Record<string, { capability: Capability | null }> = {
  Incident: { capability: 'INCIDENT_READ' },
  Directive: { capability: 'INCIDENT_READ' },
  // Note implements Node (DESIGN.md §4: every Node is read back by node(id)); its audience rule is in views.ts.
  Note: { capability: 'INCIDENT_READ' },
  Organization: { capability: null },
  Account: { capability: null },
  ApiKey: { capability: 'ORG_ADMIN' },
};

/** Federation entities and their key fields; a representation of any other type is BAD_USER_INPUT. */
export const ENTITY_TYPES: Record<string, { key: 'id' | 'name'; capability: Capability | null }> = {
  Incident: { key: 'id', capability: 'INCIDENT_READ' },
  Organization: { key: 'id', capability: null },
  Directive: { key: 'id', capability: 'INCIDENT_READ' },
  Domain: { key: 'name', capability: 'INCIDENT_READ' },
};

/** The rule a type name is read under, or null when no object of that type is ever returned by id. */
export function nodeRule(type: string): { capability: Capability | null } | null {
  return Object.prototype.hasOwnProperty.call(NODE_TYPES, type) ? NODE_TYPES[type] : null;
}
