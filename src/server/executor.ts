import { execute, GraphQLError, type ExecutionResult, type GraphQLSchema, type SourceLocation } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { LRUCache } from 'lru-cache';
import { executeCompiled } from '../graphql/compiled';
import type { Context } from '../graphql/context';

type Gateway = ApolloServerOptionsWithGateway<Record<string, unknown>>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type RequestContext = Parameters<Executor>[0];

/**
 * graphql-jit's errors are its own objects: no `extensions` at all when the thrown error had none
 * (Apollo's formatting reads `extensions.code`). graphql-js's error for the same failure, with the
 * same message, path and locations; its constructor takes the thrown error's extensions as
 * `locatedError` does.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const located = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
  if (error.locations) (located as { locations: readonly SourceLocation[] | undefined }).locations = error.locations;
  return located;
}

/**
 * Execution compiled per document (issue 16): graphql-js walks every field of an answer through its
 * generic executor; graphql-jit turns one operation's selection into a function once, so a
 * 50-incident page pays for its resolvers, not for the walk. Apollo Server 5 has no `executor`
 * option any more; its gateway interface is how an executor is handed to it, with parsing, the
 * document cache, validation (our rules included) and the plugins running as before.
 *
 * Compiled only from a document's second execution on: a document sent once (most abusive ones)
 * costs graphql-js's execution, not a compilation too. Whatever graphql-jit cannot compile, and
 * subscriptions (refused over HTTP before they get here), run through graphql-js's `execute`.
 * Variables that do not coerce are also left to graphql-js, whose errors Apollo recognizes as
 * BAD_USER_INPUT (graphql-jit's carry no AST nodes).
 */
export class CompiledExecution {
  /** Query hash + operation name → how often it ran (not yet compiled) or its compiled function ('none': it cannot be compiled). */
  private readonly cache: LRUCache<string, number | CompiledQuery | 'none'>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly opts: { maxEntries: number; compileAfter: number } = { maxEntries: 1000, compileAfter: 1 },
  ) {
    this.cache = new LRUCache({ max: opts.maxEntries });
  }

  /** For `new ApolloServer({ gateway })`: the schema once, and this executor. */
  gateway(): Gateway {
    const schema = this.schema;
    return {
      // coreSupergraphSdl is a supergraph's; this is no supergraph (Apollo only hands it to plugins that ask).
      onSchemaLoadOrUpdate: (callback) => {
        callback({ apiSchema: schema, coreSupergraphSdl: '' });
        return () => undefined;
      },
      load: async () => ({ schema, executor: (rc) => this.execute(rc) }),
      stop: async () => undefined,
    };
  }

  async execute(rc: RequestContext): Promise<ExecutionResult> {
    const { document, operation, request } = rc;
    // A query the compilers cover entirely: PostgreSQL builds its answer (graphql/compiled.ts).
    const context = rc.context as unknown as Context;
    if (operation && context.config.compiledAnswers) {
      const answered = await executeCompiled(context, this.schema, document, operation, request.variables ?? {});
      if (answered) return answered;
    }
    const compiled =
      operation && operation.operation !== 'subscription' && rc.queryHash
        ? this.compiled(rc, `${rc.queryHash}\u0000${request.operationName ?? ''}`)
        : null;
    if (compiled) {
      const result = await compiled.query(undefined, rc.context, request.variables ?? {});
      // Variables that do not coerce: no resolver has run; graphql-js reports them as Apollo expects.
      if (!result.errors?.length) return result;
      if (result.data !== undefined) return { data: result.data, errors: result.errors.map(asGraphQLError) };
    }
    return execute({
      schema: this.schema,
      document,
      contextValue: rc.context,
      variableValues: request.variables,
      operationName: request.operationName,
    });
  }

  private compiled(rc: RequestContext, key: string): CompiledQuery | null {
    const entry = this.cache.get(key);
    if (entry === undefined || typeof entry === 'number') {
      const runs = entry ?? 0;
      if (runs < this.opts.compileAfter) {
        this.cache.set(key, runs + 1);
        return null;
      }
      const result = compileQuery(this.schema, rc.document, rc.request.operationName ?? undefined);
      const compiled = isCompiledQuery(result) ? result : null;
      this.cache.set(key, compiled ?? 'none');
      return compiled;
    }
    return entry === 'none' ? null : entry;
  }
}
