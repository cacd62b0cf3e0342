import { v5 as uuidv5 } from 'uuid';
import type { Tlp } from '../incidents/incident.entity';

/**
 * Fixed names of the exchange (DESIGN.md §8): deterministic ids, the hub's own identity, and the
 * official objects it embeds as published (TLP 2.0 marking definitions, extension definitions).
 */

/** Namespace of the hub's STIX ids: UUIDv5 of the hub's object id in it, so a re-export updates instead of duplicating. */
export const HUB_NAMESPACE = 'd7c3f7a0-6a43-5b8e-9d1c-0c5e1b7a9f21';
/** STIX 2.1 §2.9: the namespace of deterministic SCO ids (UUIDv5 of the canonical ID-contributing properties). */
export const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

export function stixId(type: string, hubId: string): string {
  return `${type}--${uuidv5(hubId, HUB_NAMESPACE)}`;
}

/** RFC 8785 canonical JSON for the flat objects of ID-contributing properties (sorted keys, no spaces). */
function canonical(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return JSON.stringify(value);
}

/** The id any STIX producer derives for the same observable (STIX 2.1 §2.9). */
export function scoId(type: string, contributing: Record<string, unknown>): string {
  return `${type}--${uuidv5(canonical(contributing), SCO_NAMESPACE)}`;
}

/** Created time of the objects the hub defines itself (its identity): fixed, so their version never moves. */
export const HUB_EPOCH = '2017-01-01T00:00:00.000Z';

export const HUB_IDENTITY = {
  type: 'identity',
  spec_version: '2.1',
  id: stixId('identity', 'hub:identity'),
  created: HUB_EPOCH,
  modified: HUB_EPOCH,
  name: 'Incident coordination hub',
  description: 'The national incident response network’s coordination hub; producer of these objects',
  identity_class: 'system',
} as const;

/** TLP 2.0 marking definitions as OASIS publishes them (reference/stix-tlp2.md). */
const TLP_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
const TLP_IDS: Record<Tlp, { id: string; name: string; value: string }> = {
  CLEAR: { id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', name: 'TLP:CLEAR', value: 'clear' },
  GREEN: { id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', name: 'TLP:GREEN', value: 'green' },
  AMBER: { id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', name: 'TLP:AMBER', value: 'amber' },
  AMBER_STRICT: { id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003', name: 'TLP:AMBER+STRICT', value: 'amber+strict' },
  RED: { id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', name: 'TLP:RED', value: 'red' },
};

export function tlpMarking(tlp: Tlp): Record<string, unknown> {
  const m = TLP_IDS[tlp];
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: m.id,
    created: '2022-10-01T00:00:00.000Z',
    name: m.name,
    extensions: { [TLP_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: m.value } },
  };
}

export function tlpMarkingId(tlp: Tlp): string {
  return TLP_IDS[tlp].id;
}

/** OASIS Incident Core Extension (property extension of `incident`) and the new `task` SDO of its suite. */
export const INCIDENT_CORE_EXTENSION = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126';
export const TASK_EXTENSION = 'extension-definition--2074a052-8be4-4932-849e-f5e7798e0030';
