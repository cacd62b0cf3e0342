import { registerEnumType } from 'type-graphql';
import { ACCESS_LEVELS } from '../auth/views';

/**
 * GraphQL enums generated from the domain's constant lists, so the two never drift. Each module
 * registers the enums of its own constants (in its `*.types.ts`); the toolkit keeps the helper and the
 * rulebook's access levels.
 */
export function enumOf<T extends string>(values: readonly T[]): Record<T, T> {
  return Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
}

export const AccessLevelEnum = enumOf(ACCESS_LEVELS);
registerEnumType(AccessLevelEnum, { name: 'AccessLevel', description: 'The view of an incident the viewer has (DESIGN.md §3)' });
