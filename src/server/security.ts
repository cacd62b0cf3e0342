/**
 * HTTP hardening of the hub: security headers, the CORS allow-list, the request body limit (413
 * with a GraphQL-shaped body), CSRF prevention (Apollo's), the introspection policy (schema
 * suggestions included), and subscriptions refused over HTTP.
 */
import express from 'express';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  parse,
  type ASTVisitor,
  type DocumentNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Config } from '../config';

/**
 * For API responses: nothing may load or frame them. The explorer page (explorer.ts) replaces this
 * header with its own policy, which its scripts and styles work under.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** HSTS for a year, sent only on requests that arrived over HTTPS (see securityHeaders). */
export const HSTS = 'max-age=31536000';

/**
 * Headers on every response. Strict-Transport-Security is sent only when the request arrived over
 * HTTPS as Express sees it (`req.secure`): the hub speaks plain HTTP itself, so that is only ever
 * true behind a TLS-terminating proxy that TRUST_PROXY trusts to report `X-Forwarded-Proto: https`.
 * Sending HSTS on plain HTTP is ignored by browsers at best, and on a development machine it would
 * pin `localhost` to HTTPS at worst.
 */
export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', API_CSP);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
    next();
  };
}

/** Request headers a browser client may send cross-origin (the rest are refused at preflight). */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-request-id',
  'x-graphql-explorer',
];

/**
 * CORS for an allow-list of exact origins. Without CORS_ORIGINS no CORS header is ever sent (the
 * browser then refuses cross-origin reads). No credentials mode: the hub authenticates with a bearer
 * token, never a cookie. A preflight from an origin that is not listed gets 403 without CORS headers.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (allowed.size) res.vary('Origin');
    const permitted = typeof origin === 'string' && allowed.has(origin);
    const preflight = req.method === 'OPTIONS' && typeof origin === 'string' && req.headers['access-control-request-method'] !== undefined;
    if (preflight) {
      if (!permitted) {
        res.status(403).end();
        return;
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS.join(', '));
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    if (permitted) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
    }
    next();
  };
}

/** A GraphQL-over-HTTP error body (the media type the client accepts, JSON otherwise). */
export function sendGraphQLError(req: Request, res: Response, status: number, message: string, extensions: Record<string, unknown>): void {
  const graphqlResponse = /application\/graphql-response\+json/i.test(req.headers.accept ?? '');
  res.status(status);
  res.setHeader('Content-Type', `${graphqlResponse ? 'application/graphql-response+json' : 'application/json'}; charset=utf-8`);
  res.send(JSON.stringify({ errors: [{ message, extensions }] }));
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * express.json with a limit, and its failures as GraphQL errors: a body over the limit is 413
 * (`BAD_USER_INPUT`, `reason: PAYLOAD_TOO_LARGE`), malformed JSON is 400, an unsupported charset or
 * content encoding is 415. `onRefused` lets the request log record the outcome.
 */
export function jsonBody(
  limitBytes: number,
  onRefused: (req: Request, code: string) => void = () => undefined,
): [RequestHandler, ErrorRequestHandler] {
  const errors: ErrorRequestHandler = (err: unknown, req, res, next) => {
    const e = (err ?? {}) as BodyParserError;
    if (e.type === 'entity.too.large') {
      onRefused(req, 'BAD_USER_INPUT');
      sendGraphQLError(req, res, 413, `The request body is larger than the limit of ${limitBytes} bytes`, {
        code: 'BAD_USER_INPUT',
        reason: 'PAYLOAD_TOO_LARGE',
        limitBytes,
      });
      return;
    }
    if (e.type === 'entity.parse.failed') {
      onRefused(req, 'BAD_REQUEST');
      sendGraphQLError(req, res, 400, 'The request body is not valid JSON', { code: 'BAD_REQUEST' });
      return;
    }
    if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
      onRefused(req, 'BAD_REQUEST');
      sendGraphQLError(req, res, 415, 'Unsupported request charset or content encoding: send UTF-8 JSON', { code: 'BAD_REQUEST' });
      return;
    }
    if (e.type === 'request.aborted') {
      // The client went away; nothing to answer.
      onRefused(req, 'ABORTED');
      res.end();
      return;
    }
    next(err);
  };
  return [express.json({ limit: limitBytes }), errors];
}

/**
 * Apollo's CSRF prevention: a GET or a "simple" POST (form or text/plain content type, which a
 * cross-site page can send without a CORS preflight) is refused unless it carries a non-simple
 * header (`apollo-require-preflight` or `x-apollo-operation-name`). JSON POSTs are never simple.
 */
export function csrfPrevention(config: Config): boolean {
  return config.security.csrfPrevention;
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** INTROSPECTION=none: `__schema` and `__type` are refused in validation, before anything runs. `__typename` stays. */
export function noIntrospectionRule(): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Field(node) {
      if (INTROSPECTION_FIELDS.has(node.name.value)) {
        context.reportError(
          new GraphQLError(`Introspection is disabled on this server: "${node.name.value}" is refused (INTROSPECTION=none)`, {
            nodes: [node],
            extensions: { reason: 'INTROSPECTION_DISABLED' },
          }),
        );
      }
    },
  });
}

/** Schema suggestions ("Did you mean …") name fields a caller could not list: shown only when introspection is open to all. */
export function hideSchemaSuggestions(config: Config): boolean {
  return config.security.introspection !== 'all';
}

/**
 * A subscription sent over HTTP: graphql-js would run its event-stream field as a query field and fail
 * inside it (an internal error). It is the client's mistake: 400, before anything runs.
 */
export function subscriptionsOverWebSocketOnly(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) on this path, not over HTTP', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        },
      };
    },
  };
}

/** Validation rules for the configured introspection policy (both HTTP and WebSocket use them). */
export function introspectionRules(config: Config): ValidationRule[] {
  return config.security.introspection === 'none' ? [noIntrospectionRule()] : [];
}

/** True when every root field of the selected operation is `__schema`, `__type` or `__typename` (fragments followed). */
export function isIntrospectionOnly(document: DocumentNode, operationName: string | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'query') return false;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const seen = new Set<string>();
  const check = (set: SelectionSetNode): boolean =>
    set.selections.every((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === '__typename' || INTROSPECTION_FIELDS.has(s.name.value);
      if (s.kind === Kind.INLINE_FRAGMENT) return check(s.selectionSet);
      const fragment = fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) return !!fragment;
      seen.add(s.name.value);
      return check(fragment.selectionSet);
    });
  return check(operation.selectionSet);
}

/**
 * INTROSPECTION=all lets a request without credentials run an introspection-only query (tools that
 * fetch the schema). Anything else without credentials stays UNAUTHENTICATED.
 */
export function anonymousIntrospection(config: Config, req: Request): boolean {
  if (config.security.introspection !== 'all' || req.headers.authorization) return false;
  const source = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
  const query = source?.query;
  const operationName = source?.operationName;
  if (typeof query !== 'string' || query.length > 100_000) return false;
  try {
    return isIntrospectionOnly(parse(query), typeof operationName === 'string' ? operationName : undefined);
  } catch {
    return false;
  }
}
