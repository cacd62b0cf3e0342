import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  parse,
  validate,
  visit,
  getOperationAST,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { LRUCache } from 'lru-cache';
import type { ApolloServerPlugin } from '@apollo/server';
import { representationCost } from './federation';
import { HubError } from '../graphql/errors';
import { DEFAULT_PAGE_SIZE } from '../graphql/relay';
import type { Config } from '../config';

/**
 * Query limits (DESIGN.md §4: QUERY_TOO_COMPLEX), in the order they hold: the document's size and
 * tokens at parse time; then, before validation, what validation's cost grows with (graphql-js's
 * OverlappingFieldsCanBeMerged compares every pair of fields sharing a response name, so its time
 * is quadratic in repeated selections, and several rules recurse once per nesting level); then,
 * after validation and before execution, depth, cost, aliases and root fields. Costs live in this
 * registry, not in field `extensions`, because the federation rebuild of the schema drops those.
 */
/** The settings (src/config.ts `limits`, each documented there). */
export type QueryLimits = Config['limits'];

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxCost: 25_000,
  maxAliases: 20,
  maxRootFields: 10,
  maxLength: 100_000,
  maxTokens: 15_000,
  maxOperations: 50,
  maxSelections: 2_000,
  maxFieldComparisons: 5_000,
  maxNesting: 60,
};

/** Per-field base costs beyond the default of 1 (fields that cost a query of their own). */
export const FIELD_COSTS: Record<string, number> = {
  'Query.incidents': 2,
  'Query.directives': 2,
  'Query.domainCases': 2,
  'Query.incidentStatistics': 50,
  'Query.directiveCompliance': 50,
  'Query.periodicSummary': 50,
  'Domain.cases': 2,
  // A bundle reads the incident, its directives and notes again (modules/exchange).
  'Incident.stix': 25,
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
    const first = typeof args.first === 'number' ? Math.max(0, args.first) : DEFAULT_PAGE_SIZE;
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
function shape(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  depth: number,
  seen: Set<string>,
): { depth: number; aliases: number } {
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

export function measure(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
): Measured {
  const fragments = fragmentsOf(document);
  const { depth, aliases } = shape(operation.selectionSet, fragments, 1, new Set());
  let cost: number;
  try {
    // graphql-query-complexity visits what the pre-validation pass counted as selections, or fewer
    // (one operation, @skip/@include applied): its node cap is never the limit that refuses.
    cost = getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables,
      estimators: [estimator],
      maxQueryNodes: limits.maxSelections + 1,
    });
  } catch (err) {
    // Should it ever be reached, its codeless error must refuse the query, not be taken for a variable error.
    if (err instanceof GraphQLError && /maximum allowed number of nodes/.test(err.message))
      throw tooComplex(`more than ${limits.maxSelections} selections`, {}, limits);
    throw err;
  }
  return { cost, depth, aliases, rootFields: operation.selectionSet.selections.length };
}

/**
 * The variables that can change a document's measure: those inside the arguments the estimator reads
 * (`first`, `representations`) and inside directives (`@skip`/`@include` decide what is counted).
 * Found once per document (all its operations and fragments: a superset is only a longer key).
 */
const COST_ARGUMENTS = new Set(['first', 'representations']);
const COST_VARIABLES = new WeakMap<DocumentNode, readonly string[]>();

function costVariables(document: DocumentNode): readonly string[] {
  const known = COST_VARIABLES.get(document);
  if (known) return known;
  const names = new Set<string>();
  const collect = (node: ArgumentNode | DirectiveNode) =>
    visit(node, {
      Variable: (v) => {
        names.add(v.name.value);
      },
    });
  visit(document, {
    Argument: (a) => {
      if (COST_ARGUMENTS.has(a.name.value)) collect(a);
    },
    Directive: (d) => {
      collect(d);
    },
  });
  const list = [...names].sort();
  COST_VARIABLES.set(document, list);
  return list;
}

/**
 * `measure` once per document, operation and the values of its cost variables: Apollo hands the same
 * parsed document for the same query (its document cache), and the complexity walk is a visit of the
 * whole selection. Keyed on the cost variables only, so `node(id: $id)` with a new id each time (a
 * client walking a list) does not walk the selection again. Only small keys are kept; a document keeps
 * its last few.
 */
const MEASURED = new WeakMap<DocumentNode, LRUCache<string, Measured>>();
const MEASURED_PER_DOCUMENT = 16;
const MAX_VARIABLES_KEY = 2000;

function measureCached(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
): Measured {
  // Absent and null are different values here (an absent variable takes its default).
  const values: Record<string, unknown> = {};
  for (const name of costVariables(document)) if (Object.prototype.hasOwnProperty.call(variables, name)) values[name] = variables[name];
  const key = `${operation.name?.value ?? ''}\u0000${JSON.stringify(values)}`;
  if (key.length > MAX_VARIABLES_KEY) return measure(schema, document, operation, variables, limits);
  let known = MEASURED.get(document);
  const hit = known?.get(key);
  if (hit) return hit;
  const measured = measure(schema, document, operation, variables, limits);
  if (!known) MEASURED.set(document, (known = new LRUCache({ max: MEASURED_PER_DOCUMENT })));
  known.set(key, measured);
  return measured;
}

function tooComplex(over: string, numbers: Record<string, unknown>, limits: QueryLimits): HubError {
  // `http` sets the status over HTTP; formatError drops it from what clients read.
  return new HubError('QUERY_TOO_COMPLEX', `Query too complex: ${over}`, { ...numbers, limits, http: { status: 400 } });
}

/** Refuses a query over any limit before it runs, with the numbers in `extensions`. */
export function check(measured: Measured, limits: QueryLimits): void {
  const over: string[] = [];
  if (measured.depth > limits.maxDepth) over.push(`depth ${measured.depth} > ${limits.maxDepth}`);
  if (measured.cost > limits.maxCost) over.push(`cost ${measured.cost} > ${limits.maxCost}`);
  if (measured.aliases > limits.maxAliases) over.push(`aliases ${measured.aliases} > ${limits.maxAliases}`);
  if (measured.rootFields > limits.maxRootFields) over.push(`root fields ${measured.rootFields} > ${limits.maxRootFields}`);
  if (over.length) throw tooComplex(over.join(', '), { ...measured }, limits);
}

/**
 * Parses with the size and token limits. Over either, or nested too deeply for the parser's
 * recursion, is QUERY_TOO_COMPLEX; any other syntax error is thrown as graphql-js raised it.
 */
export function parseLimited(source: string, limits: QueryLimits): DocumentNode {
  if (source.length > limits.maxLength)
    throw tooComplex(`the document has ${source.length} characters > ${limits.maxLength}`, { length: source.length }, limits);
  try {
    return parse(source, { maxTokens: limits.maxTokens });
  } catch (err) {
    if (err instanceof RangeError) throw tooComplex('the document is nested too deeply to parse', {}, limits);
    // graphql-js says "more than N tokens" only in its message: count them instead (bounded by the limit).
    if (err instanceof GraphQLError && tokensOver(source, limits.maxTokens))
      throw tooComplex(`more than ${limits.maxTokens} tokens`, { tokens: limits.maxTokens + 1 }, limits);
    throw err;
  }
}

/** Whether `source` has more than `max` tokens as graphql-js's parser counts them (comments are not tokens). */
function tokensOver(source: string, max: number): boolean {
  const lexer = new Lexer(new Source(source));
  try {
    for (let n = 0; n <= max; n++) if (lexer.advance().kind === TokenKind.EOF) return false;
    return true;
  } catch {
    return false; // a syntax error before the limit
  }
}

export interface DocumentShape {
  operations: number;
  selections: number;
  fieldComparisons: number;
  /** The response name selected most often in one selection set, and how often. */
  repeatedField: string | null;
  repeatedFieldCount: number;
  nesting: number;
}

/** The fields of one response name in a merged selection set: how many, their argument values, their merged sub-selections. */
interface Group {
  count: number;
  argumentNodes: number;
  children: Map<string, Group> | null;
}

/** A fragment on the path being expanded: a spread of it further down is a cycle (validation reports it). */
interface FragmentPath {
  name: string;
  parent: FragmentPath | null;
}

function onPath(path: FragmentPath | null, name: string): boolean {
  for (let p = path; p; p = p.parent) if (p.name === name) return true;
  return false;
}

/** A field's argument values: how many value nodes (graphql-js prints them all to compare two same-named fields) and how deeply nested. */
interface ArgumentShape {
  nodes: number;
  depth: number;
}

function argumentShape(field: FieldNode, memo: WeakMap<FieldNode, ArgumentShape>): ArgumentShape {
  let shape = memo.get(field);
  if (shape) return shape;
  shape = { nodes: 0, depth: 0 };
  // An explicit stack: a list literal may be nested as deeply as the token limit allows.
  const stack: [ValueNode, number][] = (field.arguments ?? []).map((a) => [a.value, 1]);
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [value, depth] = top;
    shape.nodes++;
    shape.depth = Math.max(shape.depth, depth);
    if (value.kind === Kind.LIST) for (const item of value.values) stack.push([item, depth + 1]);
    else if (value.kind === Kind.OBJECT) for (const f of value.fields) stack.push([f.value, depth + 1]);
  }
  memo.set(field, shape);
  return shape;
}

/**
 * The numbers validation's cost grows with, over every definition of the document (validation
 * checks them all), with fragments expanded at each spread and the fields of one response name
 * merged as execution merges them: every pair of fields graphql-js compares lies within one of
 * these groups. An explicit stack (no recursion, whatever the nesting); the walk stops as soon as a
 * limit is passed, so it costs at most `maxSelections` steps even when fragments spread each other
 * exponentially.
 */
export function documentShape(document: DocumentNode, limits: QueryLimits): DocumentShape {
  const fragments = fragmentsOf(document);
  const memo = new WeakMap<FieldNode, ArgumentShape>();
  const result: DocumentShape = { operations: 0, selections: 0, fieldComparisons: 0, repeatedField: null, repeatedFieldCount: 0, nesting: 0 };
  const stack: { set: SelectionSetNode; groups: Map<string, Group>; depth: number; path: FragmentPath | null }[] = [];
  // In document order (the stack pops the last pushed first): the operation's problem is the one reported.
  for (const d of [...document.definitions].reverse()) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      result.operations++;
      stack.push({ set: d.selectionSet, groups: new Map(), depth: 1, path: null });
    } else if (d.kind === Kind.FRAGMENT_DEFINITION)
      stack.push({ set: d.selectionSet, groups: new Map(), depth: 1, path: { name: d.name.value, parent: null } });
  }
  if (result.operations > limits.maxOperations) return result;
  const over = () =>
    result.selections > limits.maxSelections || result.fieldComparisons > limits.maxFieldComparisons || result.nesting > limits.maxNesting;
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { groups, depth, path } = item;
    result.nesting = Math.max(result.nesting, depth);
    for (const sel of item.set.selections) {
      result.selections++;
      if (sel.kind === Kind.FIELD) {
        const name = sel.alias?.value ?? sel.name.value;
        let group = groups.get(name);
        if (!group) groups.set(name, (group = { count: 0, argumentNodes: 0, children: null }));
        // The new field is compared with each earlier one, printing its own arguments and theirs.
        const args = argumentShape(sel, memo);
        result.fieldComparisons += group.count * (1 + args.nodes) + group.argumentNodes;
        group.count++;
        group.argumentNodes += args.nodes;
        result.nesting = Math.max(result.nesting, depth + args.depth);
        if (group.count > result.repeatedFieldCount) {
          result.repeatedFieldCount = group.count;
          result.repeatedField = name;
        }
        if (sel.selectionSet) stack.push({ set: sel.selectionSet, groups: (group.children ??= new Map()), depth: depth + 1, path });
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        stack.push({ set: sel.selectionSet, groups, depth: depth + 1, path });
      } else {
        const fragment = fragments.get(sel.name.value);
        // An unknown fragment or a cycle: validation refuses the document, cheaply.
        if (fragment && !onPath(path, fragment.name.value))
          stack.push({ set: fragment.selectionSet, groups, depth: depth + 1, path: { name: fragment.name.value, parent: path } });
      }
      if (over()) return result;
    }
    if (over()) return result;
  }
  return result;
}

/** QUERY_TOO_COMPLEX when the document passes a limit that holds before validation (the walk stops there: its numbers are "at least"). */
export function checkShape(document: DocumentNode, limits: QueryLimits): void {
  const s = documentShape(document, limits);
  const over: string[] = [];
  if (s.operations > limits.maxOperations) over.push(`${s.operations} operations in one document > ${limits.maxOperations}`);
  if (s.selections > limits.maxSelections) over.push(`more than ${limits.maxSelections} selections with fragments expanded`);
  if (s.fieldComparisons > limits.maxFieldComparisons) {
    over.push(
      `fields sharing a response name need more than ${limits.maxFieldComparisons} comparisons ("${s.repeatedField}" selected ${s.repeatedFieldCount} times in one selection set)`,
    );
  }
  if (s.nesting > limits.maxNesting)
    over.push(`selections and argument values nested more than ${limits.maxNesting} levels deep, fragments included`);
  if (over.length) throw tooComplex(over.join(', '), { ...s }, limits);
}

/** The document of an HTTP request as Apollo reads it: `query` of the JSON body, or the one `query` parameter of a GET. */
export function requestDocument(method: string, body: unknown, url: string): string | null {
  if (method === 'GET') {
    const search = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    const values = new URLSearchParams(search).getAll('query');
    return values.length === 1 ? values[0] : null;
  }
  const query = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).query : undefined;
  return typeof query === 'string' ? query : null;
}

/** Documents that passed `preValidate`, per limits (least recently used dropped first, bounded in number and size). */
const PASSED = new WeakMap<QueryLimits, LRUCache<string, true>>();
const MAX_REMEMBERED = 500;
const MAX_REMEMBERED_LENGTH = 20_000;

/**
 * For HTTP, before Apollo parses and validates: QUERY_TOO_COMPLEX when the document passes a
 * parse-time or pre-validation limit. A syntax error is left to Apollo, which reports it with its
 * position (its own parse is linear in the size checked here).
 */
export function preValidate(source: string | null, limits: QueryLimits): HubError | null {
  if (source === null) return null; // an automatic persisted query's hash: its document passed when it was registered
  let passed = PASSED.get(limits);
  if (passed?.get(source)) return null;
  try {
    checkShape(parseLimited(source, limits), limits);
    // Clients send the same few documents again and again: one that passed is not parsed again here.
    if (source.length <= MAX_REMEMBERED_LENGTH) {
      if (!passed) PASSED.set(limits, (passed = new LRUCache({ max: MAX_REMEMBERED })));
      passed.set(source, true);
    }
    return null;
  } catch (err) {
    if (err instanceof HubError) return err;
    if (err instanceof GraphQLError) return null;
    throw err;
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
            measured = measureCached(schema, document, operation, request.variables ?? {}, limits);
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

/**
 * For graphql-ws (no Apollo plugins there): the same limits in the same order as over HTTP, then
 * graphql-js's validation (the introspection policy is the guard's, ws-guard.ts), then depth, cost,
 * aliases and root fields. Returns the execution arguments, so that graphql-ws does not parse and
 * validate the document once more, or the errors that refuse the operation.
 */
export function limitSubscription(
  schema: GraphQLSchema,
  payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null },
  limits: QueryLimits,
): ExecutionArgs | readonly GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parseLimited(payload.query, limits);
    checkShape(document, limits);
  } catch (err) {
    if (err instanceof GraphQLError) return [err];
    throw err;
  }
  const errors = validate(schema, document);
  if (errors.length) return errors;
  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) return [new GraphQLError('No operation to run', { extensions: { code: 'BAD_USER_INPUT' } })];
  try {
    check(measure(schema, document, operation, payload.variables ?? {}, limits), limits);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    // A variable that does not coerce (graphql-js's own wording): the client's mistake, as over HTTP, not ours.
    if (err.extensions?.code === undefined) return [new GraphQLError(err.message, { nodes: err.nodes, extensions: { code: 'BAD_USER_INPUT' } })];
    return [err];
  }
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
}
