import { createSourceEventStream, execute, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Viewer } from '../../auth/viewer';

/**
 * Live deliveries per group (issue 16): graphql-js executes a subscription's selection once per event
 * and subscriber. Subscribers that share an organization, capabilities and role read every event in
 * the same view with the same decisions (DESIGN.md §3: views depend on the organization only,
 * decisions on capabilities), so for the same selection they get the same answer: it is computed
 * once, by the first of them, and handed to the others.
 *
 * What is shared is keyed on the delivery object the subscription manager hands to one group (one
 * object per event and group, see manager.ts) and on (viewer group, selection, variables), computed
 * at execution time from each subscriber's own current viewer: a subscriber whose role changed
 * computes a key of its own and executes for itself. Synthetic deliveries (ACCESS_REVOKED/GRANTED)
 * are objects of their own per subscriber, so they are never shared.
 */

const SHARED = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
const PRINTED = new WeakMap<DocumentNode, string>();

function selectionKey(args: ExecutionArgs): string {
  let text = PRINTED.get(args.document);
  if (text === undefined) {
    text = print(args.document);
    PRINTED.set(args.document, text);
  }
  return `${args.operationName ?? ''}\u0000${text}\u0000${JSON.stringify(args.variableValues ?? {})}`;
}

function viewerKey(context: unknown): string | null {
  const viewer = (context as { viewer?: Viewer | null } | null)?.viewer;
  if (!viewer) return null;
  const org = viewer.organization;
  return `${org.id}|${org.zones.join(',')}|${viewer.memberRole}|${[...viewer.capabilities].sort().join(',')}`;
}

function executeShared(args: ExecutionArgs, payload: unknown, selection: string): Promise<ExecutionResult> {
  const run = () => Promise.resolve(execute({ ...args, rootValue: payload }));
  const viewer = viewerKey(args.contextValue);
  if (!viewer || typeof payload !== 'object' || payload === null) return run();
  let results = SHARED.get(payload);
  if (!results) {
    results = new Map();
    SHARED.set(payload, results);
  }
  const key = `${viewer}\u0000${selection}`;
  let result = results.get(key);
  if (!result) {
    result = run();
    results.set(key, result);
  }
  return result;
}

/** graphql's `subscribe`, with each event's execution shared within a group (see above). */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in (source as object))) return source as ExecutionResult;
  const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const selection = selectionKey(args);
  const map = async (step: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult>> =>
    step.done ? { done: true, value: undefined } : { done: false, value: await executeShared(args, step.value, selection) };
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    next: async () => map(await iterator.next()),
    return: async () => {
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    throw: async (err: unknown) => {
      if (iterator.throw) return map(await iterator.throw(err));
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return mapped;
}
