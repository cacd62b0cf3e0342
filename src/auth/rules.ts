import { UseMiddleware, getMetadataStorage, type MiddlewareFn } from 'type-graphql';
import { GraphQLSchema, isObjectType } from 'graphql';
import type { Capability } from './capabilities';
import type { Viewer } from './viewer';
import { forbidden, unauthenticated, HubError } from '../graphql/errors';

/**
 * Every root field declares its rule. The rule names the capability the field needs (or says why
 * any authenticated principal may call it). The capability is checked by the service at the point
 * DESIGN.md §3's error precedence puts FORBIDDEN (after input validation and the NOT_FOUND look-up);
 * the middleware refuses unauthenticated calls and, when a resolver succeeds without the declared
 * capability having been checked, fails loudly — a declaration cannot silently go unenforced.
 */
export type RuleSpec =
  | { capability: Capability }
  /** Decided per object by a named rulebook function (e.g. the viewer's parts in an incident). */
  | { object: ObjectRule }
  | { anyViewer: string };

/** Object rules of the rulebook; services record which one they applied. */
export type ObjectRule = 'incidentActors' | 'noteAudience' | 'directiveParts';

export interface RuleContext {
  viewer: Viewer | null;
  authz: AuthzRecorder;
  requestId: string;
  log: { warn: (obj: object, msg: string) => void };
}

/** The id an operation targets, for the denial log: `id`, `incidentId`, or the same inside `input`. */
function targetOf(args: Record<string, unknown>): string | null {
  const input = (args.input ?? {}) as Record<string, unknown>;
  for (const v of [args.id, args.incidentId, input.id, input.incidentId, args.reference, args.name]) if (typeof v === 'string') return v;
  return null;
}

const DENIALS = new Set(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED']);

/**
 * A denied attempt as one structured log line (not a timeline event): who, from which organization,
 * which operation, on which object. Used by the rule middleware and by subscriptions, which bypass it.
 */
export function logDenial(context: RuleContext, err: unknown, operation: string, target: string | null): void {
  const code = (err as { extensions?: { code?: unknown } }).extensions?.code;
  const v = context.viewer;
  if (!v || typeof code !== 'string' || !DENIALS.has(code)) return;
  context.log.warn(
    {
      event: 'authorization_denied',
      code,
      requestId: context.requestId,
      principal: `${v.principal.type}:${v.principal.id}`,
      organization: v.organization.code,
      operation,
      target,
    },
    'denied',
  );
}

/** Records which capabilities a request's services checked; throws FORBIDDEN when one is missing. */
export class AuthzRecorder {
  readonly checked = new Set<Capability | ObjectRule>();
  constructor(private readonly viewer: Viewer | null) {}
  require(capability: Capability, what = 'this operation'): Viewer {
    const viewer = this.viewer;
    if (!viewer) throw unauthenticated();
    this.checked.add(capability);
    if (!viewer.capabilities.has(capability)) {
      throw forbidden(`Your role may not perform ${what}`, { capability });
    }
    return viewer;
  }
  has(capability: Capability): boolean {
    this.checked.add(capability);
    return this.viewer?.capabilities.has(capability) ?? false;
  }
  /** Marks that an object rule was evaluated (the service then throws FORBIDDEN itself where it denies). */
  applied(rule: ObjectRule): void {
    this.checked.add(rule);
  }
}

const RULES = new Map<Function, Map<string, RuleSpec>>();

function ruleMiddleware(spec: RuleSpec, field: string): MiddlewareFn<RuleContext> {
  return async ({ context, info, args }, next) => {
    if (!context.viewer) throw unauthenticated();
    let result: unknown;
    try {
      result = await next();
    } catch (err) {
      logDenial(context, err, `${info.parentType.name}.${info.fieldName}`, targetOf(args as Record<string, unknown>));
      throw err;
    }
    const declared = 'capability' in spec ? spec.capability : 'object' in spec ? spec.object : null;
    if (declared && !context.authz.checked.has(declared)) {
      throw new HubError('INTERNAL_SERVER_ERROR', `rule of ${field} (${declared}) was not enforced`);
    }
    return result;
  };
}

export function Rule(spec: RuleSpec): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    const ctor = (target as { constructor: Function }).constructor;
    const byMethod = RULES.get(ctor) ?? new Map<string, RuleSpec>();
    byMethod.set(String(propertyKey), spec);
    RULES.set(ctor, byMethod);
    UseMiddleware(ruleMiddleware(spec, `${ctor.name}.${String(propertyKey)}`))(target, propertyKey, descriptor);
  };
}

/** Root field name (`Query.incident`) → declared rule, from type-graphql's metadata and the decorator's registry. */
export function declaredRootRules(): Map<string, RuleSpec> {
  const storage = getMetadataStorage();
  const out = new Map<string, RuleSpec>();
  const groups: [string, { target: Function; methodName: string; schemaName: string }[]][] = [
    ['Query', storage.queries],
    ['Mutation', storage.mutations],
    ['Subscription', storage.subscriptions],
  ];
  for (const [root, list] of groups) {
    for (const meta of list) {
      const spec = RULES.get(meta.target)?.get(meta.methodName);
      if (spec) out.set(`${root}.${meta.schemaName}`, spec);
    }
  }
  return out;
}

/** Extra rules for fields added outside type-graphql (federation's `_entities`, `_service`). */
export const EXTRA_ROOT_RULES = new Map<string, RuleSpec>();

/** The deny-by-default walker: every Query/Mutation/Subscription field of the built schema must declare a rule. */
export function undeclaredRootFields(schema: GraphQLSchema, rules: Map<string, RuleSpec>): string[] {
  const missing: string[] = [];
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!type || !isObjectType(type)) continue;
    for (const name of Object.keys(type.getFields())) {
      const key = `${type.name}.${name}`;
      if (!rules.has(key) && !EXTRA_ROOT_RULES.has(key)) missing.push(key);
    }
  }
  return missing;
}
