import { registerEnumType } from 'type-graphql';
import { ORGANIZATION_KINDS } from '../modules/organizations/organization.entity';
import { MEMBER_ROLES } from '../modules/accounts/account.entity';
import { INCIDENT_STATUSES, SEVERITIES, TLPS, PAPS, SCOPES } from '../modules/incidents/incident.entity';
import { INDICATOR_TYPES } from '../modules/indicators/normalize';
import { ACCESS_LEVELS } from '../auth/views';
import { DIRECTIVE_ACTIONS, DIRECTIVE_STATUSES } from '../modules/directives/directive.entity';
import { NOTE_VISIBILITIES } from '../modules/notes/note.entity';

/** GraphQL enums generated from the domain's constant lists, so the two never drift. */
function enumOf<T extends string>(values: readonly T[]): Record<T, T> {
  return Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
}

export const OrganizationKindEnum = enumOf(ORGANIZATION_KINDS);
export const MemberRoleEnum = enumOf(MEMBER_ROLES);
export const IncidentStatusEnum = enumOf(INCIDENT_STATUSES);
export const SeverityEnum = enumOf(SEVERITIES);
export const TlpEnum = enumOf(TLPS);
export const PapEnum = enumOf(PAPS);
export const IncidentScopeEnum = enumOf(SCOPES);
export const IndicatorTypeEnum = enumOf(INDICATOR_TYPES);
export const AccessLevelEnum = enumOf(ACCESS_LEVELS);
export const DirectiveActionEnum = enumOf(DIRECTIVE_ACTIONS);
export const DirectiveStatusEnum = enumOf(DIRECTIVE_STATUSES);
export const NoteVisibilityEnum = enumOf(NOTE_VISIBILITIES);
export const IncidentOrderEnum = enumOf(['REPORTED_AT_DESC', 'REPORTED_AT_ASC', 'UPDATED_AT_DESC', 'SEVERITY_DESC'] as const);

registerEnumType(OrganizationKindEnum, { name: 'OrganizationKind' });
registerEnumType(MemberRoleEnum, { name: 'MemberRole' });
registerEnumType(IncidentStatusEnum, { name: 'IncidentStatus' });
registerEnumType(SeverityEnum, { name: 'Severity' });
registerEnumType(TlpEnum, { name: 'Tlp', description: 'Traffic Light Protocol 2.0 (FIRST)' });
registerEnumType(PapEnum, { name: 'Pap', description: 'Permissible Actions Protocol' });
registerEnumType(IncidentScopeEnum, { name: 'IncidentScope' });
registerEnumType(IndicatorTypeEnum, { name: 'IndicatorType' });
registerEnumType(AccessLevelEnum, { name: 'AccessLevel', description: "The view of an incident the viewer has (DESIGN.md §3)" });
registerEnumType(DirectiveActionEnum, { name: 'DirectiveAction' });
registerEnumType(DirectiveStatusEnum, { name: 'DirectiveStatus' });
registerEnumType(NoteVisibilityEnum, { name: 'NoteVisibility' });
registerEnumType(IncidentOrderEnum, { name: 'IncidentOrder' });
