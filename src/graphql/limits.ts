import { GraphQLError, Kind, parse, validate, getOperationAST, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { ApolloServerPlugin } from '@apollo/server';
import { representationCost } from './federation';

/**
 * Query limits, checked before execution (DESIGN.md §4: QUERY_TOO_COMPLEX). Costs live in this
 * registry, not in field `extensions`, because the federation rebuild of the schema drops those.
 */
export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxRootFields: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 12, maxCost: 25_000, maxAliases: 20, maxRootFields: 10 };

/** Page size of a connection field when `first` is omitted (matches clampFirst). */
const DEFAULT_PAGE = 20;

/** Per-field base costs beyond the default of 1 (fields that cost a query of their own). */
export const FIELD_COSTS: Record<string, number> = {
  'Query.incidents': 2,
  'Query.directives': 2,
  'Query.domainCases': 2,
  'Query.incidentStatistics': 50,
  'Query.directiveCompliance': 50,
  'Query.periodicSummary': 50,
  'Domain.cases': 2,
};

const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const base = FIELD_COSTS[`${type.name}.${field.name}`] ?? 1;
  if (field.name === '_entities') {
    // Each representation is resolved like one `node(id)` with the selection below it.
    const reps = Array.isArray(args.representations) ? args.representations.length : 1;
    return base + representationCost(reps) * (1 + childComplexity);
  }
  // Connections: `first` multiplies what each item costs.
  if ('first' in args || field.args.some((a) => a.name === 'first')) {
    const first = typeof args.first === 'number' ? Math.max(0, args.first) : DEFAULT_PAGE;
    return base + first * Math.max(1, childComplexity);
  }
  return base + childComplexity;
};

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

/** Depth (introspection fields not counted) and alias count, fragments expanded (cycles are rejected by validation). */
function shape(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, depth: number, seen: Set<string>): { depth: number; aliases: number } {
  let maxDepth = depth;
  let aliases = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const f = sel as FieldNode;
      if (f.alias) aliases++;
      if (f.selectionSet && !f.name.value.startsWith('__')) {
        const sub = shape(f.selectionSet, fragments, depth + 1, seen);
        maxDepth = Math.max(maxDepth, sub.depth);
        aliases += sub.aliases;
      }
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const sub = shape(sel.selectionSet, fragments, depth, seen);
      maxDepth = Math.max(maxDepth, sub.depth);
      aliases += sub.aliases;
    } else {
      const name = sel.name.value;
      const frag = fragments.get(name);
      if (frag && !seen.has(name)) {
        const sub = shape(frag.selectionSet, fragments, depth, new Set([...seen, name]));
        maxDepth = Math.max(maxDepth, sub.depth);
        aliases += sub.aliases;
      }
    }
  }
  return { depth: maxDepth, aliases };
}

export interface Measured {
  cost: number;
  depth: number;
  aliases: number;
  rootFields: number;
}

export function measure(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): Measured {
  const fragments = fragmentsOf(document);
  const { depth, aliases } = shape(operation.selectionSet, fragments, 1, new Set());
  const cost = getComplexity({ schema, query: document, operationName: operation.name?.value, variables, estimators: [estimator] });
  return { cost, depth, aliases, rootFields: operation.selectionSet.selections.length };
}

/** Refuses a query over any limit before it runs, with the numbers in `extensions`. */
export function check(measured: Measured, limits: QueryLimits): void {
  const over: string[] = [];
  if (measured.depth > limits.maxDepth) over.push(`depth ${measured.depth} > ${limits.maxDepth}`);
  if (measured.cost > limits.maxCost) over.push(`cost ${measured.cost} > ${limits.maxCost}`);
  if (measured.aliases > limits.maxAliases) over.push(`aliases ${measured.aliases} > ${limits.maxAliases}`);
  if (measured.rootFields > limits.maxRootFields) over.push(`root fields ${measured.rootFields} > ${limits.maxRootFields}`);
  if (over.length) {
    throw new GraphQLError(`Query too complex: ${over.join(', ')}`, {
      extensions: { code: 'QUERY_TOO_COMPLEX', ...measured, limits, http: { status: 400 } },
    });
  }
}

export function queryLimitsPlugin(limits: QueryLimits = DEFAULT_LIMITS): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return; // graphql-js reports a missing operation itself
          let measured: Measured;
          try {
            measured = measure(schema, document, operation, request.variables ?? {});
          } catch (err) {
            // Variables that do not coerce (a missing field, a wrong type): graphql-js refuses them next,
            // before any resolver runs, as BAD_USER_INPUT (400). Thrown from here they would be a 500.
            if (err instanceof GraphQLError && err.extensions?.code === undefined) return;
            throw err;
          }
          check(measured, limits);
        },
      };
    },
  };
}

/** For graphql-ws (no Apollo plugins there): parse, validate and measure; errors refuse the operation. */
export function limitSubscription(
  schema: GraphQLSchema,
  payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null },
  limits: QueryLimits,
): readonly GraphQLError[] | void {
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (err) {
    return [err instanceof GraphQLError ? err : new GraphQLError('Syntax error')];
  }
  const errors = validate(schema, document);
  if (errors.length) return errors;
  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) return [new GraphQLError('No operation to run', { extensions: { code: 'BAD_USER_INPUT' } })];
  try {
    check(measure(schema, document, operation, payload.variables ?? {}), limits);
  } catch (err) {
    if (err instanceof GraphQLError) return [err];
    throw err;
  }
}
