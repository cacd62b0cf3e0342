import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  isObjectType,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getDirectiveValues } from 'graphql/execution/values';

/**
 * Look-ahead into a resolver's selection set (DESIGN.md §6 "Reads compiled from the selection"): which
 * fields of a given object type the query asks for below the current field, with their coerced
 * arguments, fragments expanded (named and inline, by type condition), `@skip`/`@include` applied and
 * aliases kept apart. A root field reads this to fetch the relations it will be asked for in the same
 * statement as its rows. It only plans reads: the resolvers still run and still decide what is shown.
 */
export interface SelectedField {
  /** The schema field name. */
  name: string;
  /** The response key (alias or name). */
  key: string;
  /** Coerced argument values (variables and defaults applied). */
  args: Record<string, unknown>;
  /** The nodes merged under this response key (the same key may be selected in several fragments). */
  nodes: FieldNode[];
}

type Variables = GraphQLResolveInfo['variableValues'];

/** What look-ahead reads of a request: a resolver's info, or the same parts of an operation before execution (compiled.ts). */
export type LookaheadEnv = Pick<GraphQLResolveInfo, 'schema' | 'fragments' | 'variableValues'>;

function included(node: { directives?: FieldNode['directives'] }, variables: Variables): boolean {
  if (!node.directives?.length) return true;
  const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
  return include?.if !== false;
}

/** Whether a fragment with type condition `condition` applies to objects of `type`. */
function applies(info: LookaheadEnv, condition: string | undefined, type: GraphQLObjectType): boolean {
  if (!condition || condition === type.name) return true;
  const abstract = info.schema.getType(condition);
  if (!abstract || isObjectType(abstract)) return false;
  return info.schema.isSubType(abstract as Parameters<typeof info.schema.isSubType>[0], type);
}

/** The fields selected on `type` by `sets`, grouped by response key, in first-seen order. */
export function selectedFields(info: LookaheadEnv, sets: readonly SelectionSetNode[], type: GraphQLObjectType): SelectedField[] {
  return responseFields(info, sets, type).filter((f) => !f.name.startsWith('__'));
}

/**
 * Every response key of the selection in response order, meta fields included (`__typename`, and
 * `__schema`/`__type` at the root, with no arguments): what a compiled read must answer, key for key.
 */
export function responseFields(info: LookaheadEnv, sets: readonly SelectionSetNode[], type: GraphQLObjectType): SelectedField[] {
  const byKey = new Map<string, FieldNode[]>();
  const visitedFragments = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const sel of set.selections) {
      if (!included(sel, info.variableValues)) continue;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        const list = byKey.get(key);
        if (list) list.push(sel);
        else byKey.set(key, [sel]);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (applies(info, sel.typeCondition?.name.value, type)) walk(sel.selectionSet);
      } else {
        const name = sel.name.value;
        if (visitedFragments.has(name)) continue;
        visitedFragments.add(name);
        const fragment = info.fragments[name];
        if (fragment && applies(info, fragment.typeCondition.name.value, type)) walk(fragment.selectionSet);
      }
    }
  };
  for (const set of sets) walk(set);
  const fields = type.getFields();
  const out: SelectedField[] = [];
  for (const [key, nodes] of byKey) {
    const name = nodes[0].name.value;
    if (name.startsWith('__')) {
      out.push({ name, key, args: {}, nodes });
      continue;
    }
    const def = fields[name];
    if (!def) continue;
    out.push({ name, key, args: getArgumentValues(def, nodes[0], info.variableValues), nodes });
  }
  return out;
}

/** The selection sets below the given fields (merged). */
export function subSelections(fields: readonly SelectedField[]): SelectionSetNode[] {
  const out: SelectionSetNode[] = [];
  for (const f of fields) for (const n of f.nodes) if (n.selectionSet) out.push(n.selectionSet);
  return out;
}

/** The selection sets of the resolver's own field. */
export function rootSelections(info: GraphQLResolveInfo): SelectionSetNode[] {
  return info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
}

/** Follows a path of field names through object types (e.g. `edges` → `node` of a connection). */
export function selectionsAt(info: LookaheadEnv, sets: SelectionSetNode[], type: GraphQLObjectType, path: readonly string[]): SelectionSetNode[] {
  let current = sets;
  let currentType = type;
  for (const name of path) {
    const fields = selectedFields(info, current, currentType).filter((f) => f.name === name);
    if (!fields.length) return [];
    const next = namedObjectType(currentType.getFields()[name].type);
    if (!next) return [];
    current = subSelections(fields);
    currentType = next;
  }
  return current;
}

function namedObjectType(type: unknown): GraphQLObjectType | null {
  let t = type as { ofType?: unknown };
  while (t && 'ofType' in t && t.ofType) t = t.ofType as { ofType?: unknown };
  return isObjectType(t) ? t : null;
}

/** The object type `name` of the schema the request runs on. */
export function objectType(info: LookaheadEnv, name: string): GraphQLObjectType | null {
  const t = info.schema.getType(name);
  return t && isObjectType(t) ? t : null;
}
