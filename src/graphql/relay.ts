import { Field, InterfaceType, ID, ObjectType, ClassType, Int } from 'type-graphql';
import { HubError, badInput } from './errors';

/** Opaque global ids: base64url("Type:uuid"). Anything that does not decode is simply not found. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  if (typeof globalId !== 'string' || globalId.length > 200 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep <= 0) return null;
  const type = decoded.slice(0, sep);
  const id = decoded.slice(sep + 1);
  return UUID.test(id) ? { type, id } : null;
}

/** The uuid of a global id of the expected type, or null (callers answer NOT_FOUND). */
export function decodeId(globalId: string, type: string): string | null {
  const d = fromGlobalId(globalId);
  return d && d.type === type ? d.id : null;
}

@InterfaceType({ description: 'An object with a global id (Relay).' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/** Builds `XConnection` and `XEdge` object types for a node type. */
export function ConnectionType<T extends object>(name: string, nodeType: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field() cursor!: string;
    @Field(() => nodeType) node!: T;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { nullable: true, description: 'Number of visible items matching the filter.' }) totalCount?: number;
  }
  return ConnectionClass;
}

/** Keyset cursors are opaque JSON arrays of the sort key; a tampered cursor fails to decode. */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

export function pageOf<T>(rows: T[], first: number, cursorOf: (row: T) => string): Connection<T> {
  const hasNextPage = rows.length > first;
  const page = hasNextPage ? rows.slice(0, first) : rows;
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export type KeyKind = 'timestamp' | 'uuid' | 'int' | 'bigint' | 'string';
const KEY_CHECK: Record<KeyKind, (v: unknown) => boolean> = {
  timestamp: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  uuid: (v) => typeof v === 'string' && UUID_RE.test(v),
  int: (v) => typeof v === 'number' && Number.isInteger(v),
  bigint: (v) => typeof v === 'string' && /^\d{1,19}$/.test(v),
  string: (v) => typeof v === 'string' && v.length <= 500,
};

/**
 * The keyset cursor of a list, checked against the list's key shape. A cursor that is not one of
 * this list's (tampered, from another list) is BAD_USER_INPUT on `after`, never a database error.
 * Where it points does not matter: rows are still filtered by visibility, so it lands nowhere hidden.
 */
export function decodeKeyset(after: string | null | undefined, shape: readonly KeyKind[]): string[] | null {
  if (!after) return null;
  const key = decodeCursor(after);
  if (!key || key.length !== shape.length || !shape.every((kind, i) => KEY_CHECK[kind](key[i]))) {
    throw new HubError('BAD_USER_INPUT', 'after is not a cursor of this list', { field: 'after' });
  }
  return key.map(String);
}

/** Page size of a connection when `first` is omitted (the cost estimate of src/app/limits.ts counts the same). */
export const DEFAULT_PAGE_SIZE = 20;

/** `first` of a connection, checked against the configured maximum page size. */
export function clampFirst(ctx: { config: { maxPageSize: number } }, first: number | null | undefined, field = 'first'): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 0 || n > ctx.config.maxPageSize) {
    throw badInput(field, `first must be between 0 and ${ctx.config.maxPageSize}`);
  }
  return n;
}
