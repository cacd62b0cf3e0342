import { GraphQLScalarType, GraphQLSchema, GraphQLUnionType, isObjectType, parse, type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { createResolversMap } from 'type-graphql';
import type { Context } from '../graphql/context';
import { HubError, unauthenticated } from '../graphql/errors';
import { EXTRA_ROOT_RULES } from '../auth/rules';
import { ENTITY_TYPES } from '../auth/dispatch';
import { decideSubgraphSdl, enforce } from '../auth/decide';
import { Domain } from '../modules/incidents/incident.types';
import { normalizeDomain, IndicatorError } from '../modules/indicators/normalize';
import { resolveNode } from './node';

/**
 * The hub as an Apollo Federation 2 subgraph, built the way type-graphql's own federation example does
 * (`printSchemaWithDirectives` + `buildSubgraphSchema` + `createResolversMap`), with the federation
 * root fields put behind the same rules as every other field:
 *
 * - `_service` and `_entities` are added by @apollo/subgraph, outside type-graphql: no auth checker, no
 *   middleware, no `@Rule`. They are wrapped here (authentication, the introspection switch, representation
 *   checks) and declared in `EXTRA_ROOT_RULES`, so the deny-by-default walker accepts them.
 * - Representations count toward the query cost: src/app/limits.ts prices `_entities` by its
 *   `representations` argument (`representationCost` below: each one like a `node(id)` of the selection).
 * - Each entity resolves a representation exactly like `node(id)` / `domain(name)`: through the per-request
 *   DataLoaders, with the visibility computed in the batch query; invisible, missing or undecodable → null.
 *   The presented objects are the ones `incident(id)` returns, so the viewer's view and field rules apply.
 * - Only the key field of a representation reaches a resolver: any other field a caller puts in it
 *   (`accessLevel`, `title`, …) is dropped, so a representation can never stand in for data.
 */

/** The federation version the subgraph links to, and the directives it imports unprefixed. */
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.3';

/** Entity type → its key field (the `@key(fields: …)` on the class), from the rulebook's dispatch table. */
export const ENTITY_KEYS = Object.fromEntries(Object.entries(ENTITY_TYPES).map(([type, e]) => [type, e.key])) as {
  Incident: 'id';
  Organization: 'id';
  Directive: 'id';
  Domain: 'name';
};
export type EntityTypeName = keyof typeof ENTITY_KEYS;

/** A checked representation: the type and its key, nothing more. */
export type Representation = { __typename: 'Incident' | 'Organization' | 'Directive'; id: string } | { __typename: 'Domain'; name: string };

/** What one representation weighs in the query cost: one `node(id)` lookup. */
export const REPRESENTATION_COST = 1;

/**
 * The number of `node(id)`-like lookups `_entities` makes for `n` representations. The query limits
 * (src/app/limits.ts) multiply it by the cost of the selection under `_entities`, so a request
 * with many representations costs like as many `node(id)` fields.
 */
export function representationCost(n: number): number {
  return n * REPRESENTATION_COST;
}

/** Upper bound of a key's length: anything longer is not an id or a domain name of this hub. */
const MAX_KEY_LENGTH = 500;

function isEntityType(name: string): name is EntityTypeName {
  return Object.prototype.hasOwnProperty.call(ENTITY_KEYS, name);
}

function badRepresentation(index: number, message: string): HubError {
  return new HubError('BAD_USER_INPUT', message, { field: `representations[${index}]` });
}

/**
 * Checks the `_Any` values a caller sent. A representation that a gateway could not have sent (not an
 * object, no or unknown `__typename`, a type that is not an entity of this subgraph such as `Note`, a
 * missing or non-string key) is BAD_USER_INPUT for the whole field — a shape error, decided before any
 * object is looked up (DESIGN.md §3 precedence). A well-formed key that names nothing visible is `null`.
 */
export function checkRepresentations(raw: unknown): Representation[] {
  if (!Array.isArray(raw)) throw new HubError('BAD_USER_INPUT', 'representations must be a list', { field: 'representations' });
  return raw.map((rep: unknown, index): Representation => {
    if (typeof rep !== 'object' || rep === null || Array.isArray(rep)) {
      throw badRepresentation(index, 'A representation is an object with __typename and the key fields of an entity');
    }
    const fields = rep as Record<string, unknown>;
    const typename = fields.__typename;
    if (typeof typename !== 'string' || !isEntityType(typename)) {
      const entities = Object.keys(ENTITY_KEYS).sort().join(', ');
      const what =
        typeof typename === 'string' ? `"${typename.slice(0, 100)}" is not an entity of this subgraph` : 'A representation needs __typename';
      throw badRepresentation(index, `${what} (entities: ${entities})`);
    }
    const keyField = ENTITY_KEYS[typename];
    const key = fields[keyField];
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw badRepresentation(index, `A ${typename} representation needs its key field "${keyField}" (a string)`);
    }
    return typename === 'Domain' ? { __typename: typename, name: key } : { __typename: typename, id: key };
  });
}

/** `Incident`, `Organization`, `Directive` by global id: exactly `node(id)`, and an id of another type is null. */
export function resolveNodeReference(
  ctx: Context,
  type: 'Incident' | 'Organization' | 'Directive',
  id: string,
  info?: GraphQLResolveInfo,
): Promise<unknown> {
  return resolveNode(ctx, id, type, info);
}

/** `Domain` by name: as `domain(name)`, whose `cases` show only visible incidents; an invalid name is null. */
export function resolveDomainReference(ctx: Context, name: string): Domain | null {
  const capability = ENTITY_TYPES.Domain.capability;
  if (capability && !ctx.authz.has(capability)) return null;
  try {
    const d = normalizeDomain(name);
    return Object.assign(new Domain(), { name: d.ascii, unicodeName: d.unicode });
  } catch (err) {
    if (err instanceof IndicatorError) return null;
    throw err;
  }
}

/** @apollo/subgraph's resolver map type (its `GraphQLResolverMap` is not exported from the package root). */
type SubgraphModule = Extract<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], { typeDefs: unknown }>;
type ResolverMap = NonNullable<SubgraphModule['resolvers']>;

/**
 * `__resolveReference(representation, context, info)`: @apollo/subgraph calls it with these three
 * arguments — not a field resolver's (source, args, context, info), although its resolver-map type says so.
 */
type ReferenceResolver = (representation: unknown, context: unknown, info?: GraphQLResolveInfo) => unknown;
type ReferenceResolvers = Record<EntityTypeName, { __resolveReference: ReferenceResolver }>;

/** The `__resolveReference` of each entity; `_entities` has already checked the representation's shape. */
function referenceResolvers(): ReferenceResolvers {
  const keyOf = (rep: unknown, field: 'id' | 'name'): string => {
    const value = typeof rep === 'object' && rep !== null ? (rep as Record<string, unknown>)[field] : undefined;
    // Unreachable through `_entities` (checked there); a resolver reached any other way fails closed.
    if (typeof value !== 'string') throw new HubError('BAD_USER_INPUT', `representation without ${field}`, { field: 'representations' });
    return value;
  };
  return {
    Incident: { __resolveReference: (rep, context, info) => resolveNodeReference(contextOf(context), 'Incident', keyOf(rep, 'id'), info) },
    Organization: { __resolveReference: (rep, context) => resolveNodeReference(contextOf(context), 'Organization', keyOf(rep, 'id')) },
    Directive: { __resolveReference: (rep, context) => resolveNodeReference(contextOf(context), 'Directive', keyOf(rep, 'id')) },
    Domain: { __resolveReference: (rep, context) => resolveDomainReference(contextOf(context), keyOf(rep, 'name')) },
  };
}

/** type-graphql's resolvers (with their middlewares, auth and validation inside) plus the reference resolvers. */
function mergeResolvers(base: ResolverMap, extra: ReferenceResolvers): ResolverMap {
  const out: ResolverMap = { ...base };
  for (const [type, { __resolveReference }] of Object.entries(extra)) {
    const existing = out[type];
    if (existing instanceof GraphQLScalarType) throw new Error(`entity ${type} is a scalar`);
    out[type] = {
      ...(existing as Record<string, GraphQLFieldResolver<unknown, unknown>> | undefined),
      // Stored as is and called as (representation, context, info): see ReferenceResolver.
      __resolveReference: __resolveReference as unknown as GraphQLFieldResolver<unknown, unknown>,
    };
  }
  return out;
}

/** The hub's request context; anything else (direct schema execution without one) has no principal. */
function contextOf(context: unknown): Context {
  const ctx = context as Partial<Context> | null | undefined;
  if (!ctx || typeof ctx !== 'object' || !ctx.viewer || !ctx.authz || !ctx.loaders) throw unauthenticated();
  return ctx as Context;
}

/** Puts `_service` and `_entities` behind authentication and the rules (they bypass type-graphql's). */
function guardFederationFields(schema: GraphQLSchema): void {
  const query = schema.getQueryType();
  if (!query) throw new Error('subgraph schema without Query');
  const fields = query.getFields();

  const service = fields._service;
  const entities = fields._entities;
  if (!service?.resolve || !entities?.resolve) throw new Error('subgraph schema without _service/_entities resolvers');

  const serviceResolve = service.resolve;
  service.resolve = (source, args, context, info) => {
    const ctx = contextOf(context);
    // The SDL is the schema: with introspection switched off it is not served either (README "Federation").
    enforce(decideSubgraphSdl(ctx.config.security.introspection));
    return serviceResolve(source, args, context, info);
  };

  const entitiesResolve = entities.resolve;
  entities.resolve = (source, args: Record<string, unknown>, context, info) => {
    contextOf(context);
    const representations = checkRepresentations(args.representations);
    return entitiesResolve(source, { ...args, representations }, context, info);
  };
}

/** Every member of `_Entity` must have a reference resolver: one without would echo the caller's representation back as data. */
function assertEntities(schema: GraphQLSchema): void {
  const union = schema.getType('_Entity');
  const members =
    union instanceof GraphQLUnionType
      ? union
          .getTypes()
          .map((t) => t.name)
          .sort()
      : [];
  const expected = Object.keys(ENTITY_KEYS).sort();
  if (members.join() !== expected.join()) {
    throw new Error(`federation entities (${members.join(', ')}) differ from ENTITY_KEYS (${expected.join(', ')})`);
  }
  for (const name of members) {
    const type = schema.getType(name);
    const ext = isObjectType(type) ? (type.extensions as { apollo?: { subgraph?: { resolveReference?: unknown } } }) : undefined;
    if (typeof ext?.apollo?.subgraph?.resolveReference !== 'function') throw new Error(`entity ${name} has no reference resolver`);
  }
}

EXTRA_ROOT_RULES.set('Query._service', { anyViewer: 'the subgraph SDL, to authenticated principals (not served when introspection is off)' });
EXTRA_ROOT_RULES.set('Query._entities', {
  anyViewer: 'each entity type applies the visibility rule of node(id)/domain(name); invisible entities are null',
});

/** Rebuilds the type-graphql schema as a Federation 2 subgraph with the federation fields guarded. */
export function toSubgraphSchema(schema: GraphQLSchema): GraphQLSchema {
  const typeDefs = parse(`
    extend schema @link(url: "${FEDERATION_LINK}", import: ["@key"])
    ${printSchemaWithDirectives(schema)}
  `);
  const resolvers = mergeResolvers(createResolversMap(schema) as ResolverMap, referenceResolvers());
  const subgraph = buildSubgraphSchema([{ typeDefs, resolvers }]);
  assertEntities(subgraph);
  guardFederationFields(subgraph);
  return subgraph;
}
