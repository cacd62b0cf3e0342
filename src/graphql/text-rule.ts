/**
 * The one text rule of DESIGN.md §4: every string that reaches a resolver — each string argument and
 * input field, at any depth, in list items, and inside JSON scalars such as federation's `_Any`
 * representations — is well-formed text of bounded length, or the request is refused with
 * BAD_USER_INPUT naming the argument path (`input.title`, `filter.text`, `input.indicators[0].value`)
 * before anything runs.
 *
 * Why a check of the request and not a custom scalar in place of String and ID: a scalar cannot say
 * which argument is at fault (graphql-js rewrites its error into "Variable … got invalid value"
 * without `extensions.field`), cannot tell free text from a one-line value, and would rename the
 * String and ID types federation clients see. The check reads the selected operation with the
 * schema's types — every argument literal, and every variable value at the position where it is
 * used — so nothing a resolver receives escapes it, whatever field is added later. It runs as an
 * Apollo plugin on HTTP and around graphql-ws's execute and subscribe on WebSocket (src/server/app.ts).
 *
 * What it refuses (PostgreSQL cannot store the first two faithfully: NUL is an error in text and
 * jsonb, half of a surrogate pair becomes U+FFFD or an error; the rest are terminal escapes and
 * text-direction tricks that make a stored value display as something else):
 * - half of a surrogate pair, NUL, bidirectional override, embedding and isolate characters
 *   (U+202A–U+202E, U+2066–U+2069);
 * - other control characters (C0, DEL, C1): in free-text fields tab and line breaks are allowed;
 * - more characters (code points) than TEXT_LIMITS: a one-line value is at most `line` long, free
 *   text at most `freeText`. The modules' class-validator constraints may be narrower; none is wider.
 *
 * The same walk holds DateTime values to the instants PostgreSQL is given faithfully (STORABLE_DATES):
 * RFC 3339 admits the year 0000 and offsets that carry 9999-12-31 into the year 10000, which the
 * scalar accepts and the database refuses (an internal error after the request had begun to run).
 */
import {
  BREAK,
  Kind,
  TypeInfo,
  getNamedType,
  getOperationAST,
  isInputObjectType,
  isListType,
  isNonNullType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLDateTime } from 'graphql-scalars';
import { HubError } from './errors';

export const TEXT_LIMITS = {
  /** Names, codes, ids, e-mail addresses, filters, indicator values (2048, the longest a URL indicator may be). */
  line: 2_048,
  /** Descriptions, reasons, notes, instructions, results (the largest `@MaxLength` of the modules' inputs). */
  freeText: 20_000,
} as const;

/**
 * Input fields that hold free text (several lines, up to `TEXT_LIMITS.freeText`), as `InputType.field`.
 * Every other string is a one-line value: a field missing here is held to the stricter rule, never
 * the looser one. `inputTextRule` refuses to start when an entry is not a String field of the schema.
 */
export const FREE_TEXT_FIELDS: readonly string[] = [
  'ReportIncidentInput.description',
  'UpdateIncidentInput.description',
  'EscalateIncidentInput.reason',
  'RejectIncidentInput.reason',
  'ReferIncidentInput.reason',
  'ResolveIncidentInput.summary',
  'FinalReportInput.result',
  'FinalReportInput.remediation',
  'FinalReportInput.prevention',
  'FinalReportInput.estimatedDamage',
  'AddNoteInput.body',
  'RedactNoteInput.reason',
  'IssueDirectiveInput.instructions',
  'CompleteDirectiveInput.result',
  'DeclineDirectiveInput.reason',
  'CancelDirectiveInput.reason',
  // Every string of an imported STIX bundle (descriptions, notes, reports run over several lines).
  'ImportStixInput.bundle',
];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// The control-character classes are the point of these two patterns.
// eslint-disable-next-line no-control-regex
const LINE_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** Half of a surrogate pair: not text (validator.js and PostgreSQL fail on it). */
export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

/** Length in code points, as class-validator's MaxLength counts; counted only when the UTF-16 length is over. */
function longerThan(value: string, max: number): boolean {
  if (value.length <= max) return false;
  return value.length - (value.match(SURROGATE_PAIR)?.length ?? 0) > max;
}

/** What is wrong with a value (a phrase to follow the field's name), or null. */
export function textProblem(value: string, freeText: boolean): string | null {
  const max = freeText ? TEXT_LIMITS.freeText : TEXT_LIMITS.line;
  if (longerThan(value, max)) return `is longer than ${max} characters`;
  if (LONE_SURROGATE.test(value)) return 'is not well-formed Unicode (it contains half of a surrogate pair)';
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (BIDI_CONTROL.test(value)) return 'contains a bidirectional override, embedding or isolate character (U+202A–U+202E, U+2066–U+2069)';
  if (freeText) return TEXT_CONTROL.test(value) ? 'contains control characters (only tab and line breaks are allowed)' : null;
  return LINE_CONTROL.test(value) ? 'contains control characters' : null;
}

/** The refusal: BAD_USER_INPUT naming the argument path, HTTP 400. */
export function textError(field: string, problem: string): HubError {
  return new HubError('BAD_USER_INPUT', `${field} ${problem}`, { field, http: { status: 400 } });
}

/** UTC instants a DateTime may name: the four-digit years, as ISO 8601 writes them and PostgreSQL reads them. */
export const STORABLE_DATES = { from: '0001-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' } as const;
const DATE_FROM = Date.parse(STORABLE_DATES.from);
const DATE_TO = Date.parse(STORABLE_DATES.to);

/** What is wrong with a DateTime's text, or null; text the scalar refuses is left to the scalar's own message. */
export function dateProblem(value: string): string | null {
  let at: Date;
  try {
    at = GraphQLDateTime.parseValue(value) as Date;
  } catch {
    return null;
  }
  const t = at.getTime();
  return t < DATE_FROM || t > DATE_TO ? `is outside the dates the hub stores (${STORABLE_DATES.from} to ${STORABLE_DATES.to})` : null;
}

const DATE_TIME = GraphQLDateTime.name;

type Variables = Readonly<Record<string, unknown>>;
type Problem = { field: string; problem: string };

export interface InputTextRule {
  /** The first string of the operation's arguments that breaks the rule, as the error to send. */
  check(document: DocumentNode, operation: OperationDefinitionNode, variables: Variables | null | undefined): HubError | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function inputTextRule(schema: GraphQLSchema, freeTextFields: readonly string[] = FREE_TEXT_FIELDS): InputTextRule {
  for (const coordinate of freeTextFields) {
    const [typeName, fieldName] = coordinate.split('.');
    const type = schema.getType(typeName ?? '');
    const field = isInputObjectType(type) ? type.getFields()[fieldName ?? ''] : undefined;
    if (!field || !['String', 'JSON'].includes(getNamedType(field.type).name))
      throw new Error(`FREE_TEXT_FIELDS: ${coordinate} is not a String input field of the schema (or a JSON one)`);
  }
  const freeText = new Set(freeTextFields);

  const checkString = (value: string, field: string, coordinate: string): Problem | null => {
    const problem = textProblem(value, freeText.has(coordinate));
    return problem ? { field, problem } : null;
  };

  /**
   * Any JSON under a leaf type (a String, an ID, a custom scalar such as `_Any`): every string in it,
   * keys included, in order. Iterative: a JSON scalar may nest as deep as the body limit allows.
   */
  const checkAny = (root: unknown, rootField: string, coordinate: string): Problem | null => {
    const stack: [unknown, string][] = [[root, rootField]];
    while (stack.length) {
      const [value, field] = stack.pop()!;
      if (typeof value === 'string') {
        const found = checkString(value, field, coordinate);
        if (found) return found;
      } else if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${field}[${i}]`]);
      } else if (isRecord(value)) {
        const entries = Object.entries(value);
        for (const [key] of entries) {
          const found = checkString(key, `${field}.${key}`, coordinate);
          if (found) return found;
        }
        for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], `${field}.${entries[i]![0]}`]);
      }
    }
    return null;
  };

  /** A variable's value (or part of one) where the operation uses it, by that position's type. */
  const checkValue = (value: unknown, type: GraphQLInputType, field: string, coordinate: string): Problem | null => {
    if (value === null || value === undefined) return null;
    if (isNonNullType(type)) return checkValue(value, type.ofType, field, coordinate);
    if (isListType(type)) {
      // A single value where a list is expected is coerced to a list of one.
      if (!Array.isArray(value)) return checkValue(value, type.ofType, field, coordinate);
      for (let i = 0; i < value.length; i++) {
        const found = checkValue(value[i], type.ofType, `${field}[${i}]`, coordinate);
        if (found) return found;
      }
      return null;
    }
    if (isInputObjectType(type)) {
      // Anything else than an object, or fields the type does not have, are refused by variable coercion.
      if (!isRecord(value)) return null;
      const fields = type.getFields();
      for (const [name, item] of Object.entries(value)) {
        const def = fields[name];
        const found = def ? checkValue(item, def.type, `${field}.${name}`, `${type.name}.${name}`) : null;
        if (found) return found;
      }
      return null;
    }
    if (typeof value === 'string' && type.name === DATE_TIME) {
      const problem = dateProblem(value);
      if (problem) return { field, problem };
    }
    return checkAny(value, field, coordinate);
  };

  return {
    check(document, operation, variables) {
      const provided = variables ?? {};
      const definitions = new Map<string, VariableDefinitionNode>(operation.variableDefinitions?.map((d) => [d.variable.name.value, d]) ?? []);

      /** A literal in the document; variables in it are followed to their values. */
      const checkLiteral = (node: ValueNode, type: GraphQLInputType, field: string, coordinate: string): Problem | null => {
        if (node.kind === Kind.VARIABLE) {
          const name = node.name.value;
          if (Object.prototype.hasOwnProperty.call(provided, name)) return checkValue(provided[name], type, field, coordinate);
          const fallback = definitions.get(name)?.defaultValue;
          return fallback ? checkLiteral(fallback, type, field, coordinate) : null;
        }
        if (isNonNullType(type)) return checkLiteral(node, type.ofType, field, coordinate);
        if (isListType(type)) {
          if (node.kind !== Kind.LIST) return checkLiteral(node, type.ofType, field, coordinate);
          for (let i = 0; i < node.values.length; i++) {
            const found = checkLiteral(node.values[i]!, type.ofType, `${field}[${i}]`, coordinate);
            if (found) return found;
          }
          return null;
        }
        if (isInputObjectType(type)) {
          if (node.kind !== Kind.OBJECT) return null;
          const fields = type.getFields();
          for (const f of node.fields) {
            const def = fields[f.name.value];
            const found = def ? checkLiteral(f.value, def.type, `${field}.${f.name.value}`, `${type.name}.${f.name.value}`) : null;
            if (found) return found;
          }
          return null;
        }
        if (node.kind === Kind.STRING && type.name === DATE_TIME) {
          const problem = dateProblem(node.value);
          if (problem) return { field, problem };
        }
        return checkAnyLiteral(node, field, coordinate);
      };

      /** A literal under a leaf type (JSON scalars take objects and lists too), in order, iteratively. */
      const checkAnyLiteral = (root: ValueNode, rootField: string, coordinate: string): Problem | null => {
        const stack: [ValueNode, string][] = [[root, rootField]];
        while (stack.length) {
          const [node, field] = stack.pop()!;
          if (node.kind === Kind.STRING) {
            const found = checkString(node.value, field, coordinate);
            if (found) return found;
          } else if (node.kind === Kind.LIST) {
            for (let i = node.values.length - 1; i >= 0; i--) stack.push([node.values[i]!, `${field}[${i}]`]);
          } else if (node.kind === Kind.OBJECT) {
            for (let i = node.fields.length - 1; i >= 0; i--) stack.push([node.fields[i]!.value, `${field}.${node.fields[i]!.name.value}`]);
          } else if (node.kind === Kind.VARIABLE) {
            const name = node.name.value;
            const fallback = definitions.get(name)?.defaultValue;
            if (Object.prototype.hasOwnProperty.call(provided, name)) {
              const found = checkAny(provided[name], field, coordinate);
              if (found) return found;
            } else if (fallback) {
              stack.push([fallback, field]);
            }
          }
        }
        return null;
      };

      // Declared wider than its initializer: TypeScript does not see the assignment in the visitor.
      let problem = null as Problem | null;
      const typeInfo = new TypeInfo(schema);
      visit(
        document,
        visitWithTypeInfo(typeInfo, {
          // Only the operation that runs (and the fragments it spreads; unused ones fail validation).
          OperationDefinition: (node) => (node === operation ? undefined : false),
          Argument: (node) => {
            const arg = typeInfo.getArgument();
            if (!arg) return false;
            const owner = typeInfo.getDirective()
              ? `@${typeInfo.getDirective()!.name}`
              : `${typeInfo.getParentType()?.name}.${typeInfo.getFieldDef()?.name}`;
            problem = checkLiteral(node.value, arg.type, node.name.value, `${owner}(${node.name.value}:)`);
            return problem ? BREAK : false;
          },
        }),
      );
      return problem ? textError(problem.field, problem.problem) : null;
    },
  };
}

/** HTTP: after validation, before execution; Apollo answers the thrown error with its status, 400. */
export function inputTextPlugin(rule: InputTextRule): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return; // graphql-js reports a missing operation itself
          const error = rule.check(document, operation, request.variables);
          if (error) throw error;
        },
      };
    },
  };
}

/**
 * WebSocket: graphql-ws's `execute` or `subscribe`, checking first — on the document graphql-ws has
 * already parsed and validated, whatever onSubscribe did — so a refusal is the operation's only result.
 */
export function checkedExecution<R>(rule: InputTextRule, run: (args: ExecutionArgs) => R): (args: ExecutionArgs) => R | ExecutionResult {
  return (args) => {
    const operation = getOperationAST(args.document, args.operationName);
    const error = operation ? rule.check(args.document, operation, args.variableValues) : null;
    return error ? { errors: [error] } : run(args);
  };
}
