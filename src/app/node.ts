import { Resolver, Query, Arg, Ctx, Info, ID } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../graphql/context';
import { Node, fromGlobalId } from '../graphql/relay';
import { Rule } from '../auth/rules';
import { NODE_TYPES, nodeRule } from '../auth/dispatch';
import { incidentById } from '../modules/incidents/incident.service';
import { incidentByIdJsonSql } from '../modules/incidents/incident.compiled';
import { registerCompiledRoot } from '../graphql/compiled';
import { directiveNode } from '../modules/directives/directive.service';
import { organizationNode } from '../modules/organizations/organization.service';
import { accountNode } from '../modules/accounts/account.service';
import { visibleApiKey } from '../modules/accounts/api-key.service';
import { noteById } from '../modules/notes/note.service';

/**
 * One way to read any object by global id, for `node(id)` and federation's `_entities`: the rulebook
 * decides which types may be named and with which capability (src/auth/dispatch.ts), each module its
 * loader (where the type's visibility rule is in the batch query). Invisible, missing, undecodable and
 * unlisted all answer null.
 */
const FETCH: Record<string, (ctx: Context, globalId: string, uuid: string, info?: GraphQLResolveInfo) => Promise<Node | null>> = {
  // With the field's info, an incident's relations come in its statement (incidents/incident.read.ts).
  Incident: (ctx, globalId, _id, info) => incidentById(ctx, globalId, info),
  Directive: (ctx, globalId) => directiveNode(ctx, globalId),
  Note: (ctx, globalId) => noteById(ctx, globalId),
  Organization: (ctx, _globalId, id) => organizationNode(ctx, id),
  Account: (ctx, _globalId, id) => accountNode(ctx, id),
  ApiKey: (ctx, _globalId, id) => visibleApiKey(ctx, id),
};
const missing = Object.keys(NODE_TYPES).filter((t) => !FETCH[t]);
if (missing.length) throw new Error(`node types without a loader: ${missing.join(', ')}`);

/** The type and uuid a global id names, if the rulebook lets the viewer look it up by id (null: answer null). */
function nodeTarget(ctx: Context, globalId: string, expectedType?: string): { type: string; id: string } | null {
  const decoded = fromGlobalId(globalId);
  if (!decoded || (expectedType && decoded.type !== expectedType)) return null;
  const rule = nodeRule(decoded.type);
  if (!rule) return null;
  if (rule.capability && !ctx.authz.has(rule.capability)) return null;
  return decoded;
}

/** `expectedType`: a federation representation names its type, and an id of another type is null. */
export async function resolveNode(ctx: Context, globalId: string, expectedType?: string, info?: GraphQLResolveInfo): Promise<Node | null> {
  const target = nodeTarget(ctx, globalId, expectedType);
  return target ? FETCH[target.type](ctx, globalId, target.id, info) : null;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by global id; null when missing or not visible' })
  @Rule({ anyViewer: 'each object type applies its own visibility rule; invisible objects are null' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Node | null> {
    return resolveNode(ctx, id, undefined, info);
  }
}

// `node(id)` of an Incident id, compiled as `incident(id)` is (graphql/compiled.ts); other types run through resolveNode.
registerCompiledRoot('node', (ctx, env, field) => {
  const target = nodeTarget(ctx, String(field.args.id), 'Incident');
  return target ? incidentByIdJsonSql(ctx, env, field, target.id) : null;
});
