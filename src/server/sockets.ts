import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/viewer';
import { Authenticator, AuthenticationError } from '../auth/authenticate';
import { HubError } from '../graphql/errors';

export interface SocketLimits {
  maxSubscriptionsPerConnection: number;
  maxConnectionsPerPrincipal: number;
}

/**
 * Close code of a connection over its principal's cap. graphql-ws clients treat 4429 as fatal and
 * do not reconnect: a retry could only succeed once the client closes one of its other sockets,
 * which is its own decision, so automatic retries would only repeat the refusal (DESIGN.md §4:
 * clients retry only where retrying can succeed).
 */
export const WS_TOO_MANY_CONNECTIONS = 4429;

/** One graphql-ws connection: its current viewer (replaced when the role changes) and its credentials, in memory only. */
export interface SocketHolder {
  socket: WebSocket;
  viewer: Viewer;
  authorization: string;
  expiry: NodeJS.Timeout | null;
}

/**
 * The open sockets of this instance, by principal. A principal change (NOTIFY from any instance)
 * re-authenticates its sockets: a revoked key or deactivated account is closed with 4401 (clients
 * do not retry), a changed role applies to the next delivery. A token closes at its expiry (4403:
 * clients may retry with a fresh token).
 */
export class SocketRegistry {
  private readonly byPrincipal = new Map<string, Set<SocketHolder>>();

  constructor(
    private readonly authenticator: Authenticator,
    private readonly log: Logger,
    private readonly limits: SocketLimits,
  ) {}

  /** Registers an authenticated socket; over its principal's cap the socket is closed instead (null). */
  add(socket: WebSocket, viewer: Viewer, authorization: string): SocketHolder | null {
    const set = this.byPrincipal.get(viewer.principal.id) ?? new Set<SocketHolder>();
    if (set.size >= this.limits.maxConnectionsPerPrincipal) {
      socket.close(WS_TOO_MANY_CONNECTIONS, `Too many connections: ${this.limits.maxConnectionsPerPrincipal} open for these credentials`);
      return null;
    }
    const holder: SocketHolder = { socket, viewer, authorization, expiry: null };
    this.setExpiry(holder);
    set.add(holder);
    this.byPrincipal.set(viewer.principal.id, set);
    return holder;
  }

  private setExpiry(holder: SocketHolder): void {
    if (holder.expiry) clearTimeout(holder.expiry);
    holder.expiry = null;
    const at = holder.viewer.credentialExpiresAt;
    if (!at) return;
    // Timers run on real time: the server's own timer closes the socket at expiry, with no message sent first.
    const ms = Math.max(0, at.getTime() - Date.now());
    holder.expiry = setTimeout(() => holder.socket.close(4403, 'Forbidden: token expired'), Math.min(ms, 2_147_483_647));
    holder.expiry.unref();
  }

  remove(holder: SocketHolder): void {
    if (holder.expiry) clearTimeout(holder.expiry);
    const set = this.byPrincipal.get(holder.viewer.principal.id);
    set?.delete(holder);
    if (set && set.size === 0) this.byPrincipal.delete(holder.viewer.principal.id);
  }

  async principalChanged(principalId: string): Promise<void> {
    const set = this.byPrincipal.get(principalId);
    if (!set) return;
    for (const holder of [...set]) {
      try {
        holder.viewer = await this.authenticator.authenticate(holder.authorization);
        this.setExpiry(holder);
      } catch (err) {
        if (!(err instanceof AuthenticationError)) {
          this.log.warn({ err: (err as Error).message }, 're-authenticating a socket failed; keeping it until the next change');
          continue;
        }
        this.remove(holder);
        holder.socket.close(
          err.reason === 'EXPIRED' ? 4403 : 4401,
          err.reason === 'EXPIRED' ? 'Forbidden: token expired' : 'Unauthorized: credentials revoked',
        );
      }
    }
  }

  closeAll(code: number, reason: string): void {
    for (const set of this.byPrincipal.values()) for (const h of set) h.socket.close(code, reason);
  }

  /**
   * `RATE_LIMITED` for a subscribe beyond the connection's cap (the socket stays open). `open` is
   * graphql-ws's own table of the connection's operations in progress, the new one included: it
   * drops an operation on complete, error and close, so the count needs no bookkeeping here.
   */
  tooManyOperations(open: Readonly<Record<string, unknown>>): HubError | null {
    const count = Object.keys(open).length;
    const max = this.limits.maxSubscriptionsPerConnection;
    if (count <= max) return null;
    return new HubError('RATE_LIMITED', `This connection already has ${max} operations in progress: complete one, or open another connection`, {
      limit: max,
    });
  }

  get size(): number {
    let n = 0;
    for (const set of this.byPrincipal.values()) n += set.size;
    return n;
  }
}
