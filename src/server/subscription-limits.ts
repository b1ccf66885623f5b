import type { WebSocket } from 'ws';

/**
 * Close code for a socket past one of its bounds: WebSocket's own "policy violation" (RFC 6455),
 * with a reason naming the bound. Clients should not reconnect at once to do the same again.
 */
export const POLICY_VIOLATION = 1008;

/** How long a closed socket's peer has to answer the close before the connection is cut. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Closes with 1008 and the reason, and cuts the connection if the peer does not complete the
 * close promptly: a client that flooded the socket has its close frame queued behind its
 * flood, which `ws` would otherwise wait 30 s for.
 */
export function closeForPolicy(socket: WebSocket, reason: string): void {
  socket.close(POLICY_VIOLATION, reason);
  const cut = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
}

export interface SubscriptionLimitSettings {
  perSocket: number;
  perWorkspace: number;
  /** Messages a socket may send per second, on average; twice as many at once. */
  messagesPerSecond: number;
}

/**
 * What sockets and workspaces may hold open. Every message costs one token from the socket's
 * bucket (so 10,000 `subscribe` messages sent at once close the socket after the first few
 * dozen, before their operations are even parsed); each active subscription counts against its
 * socket and, in this process, against its workspace.
 */
export class SubscriptionLimits {
  private readonly sockets = new WeakMap<WebSocket, { ids: Set<string>; workspaceId?: string }>();
  private readonly perWorkspace = new Map<string, number>();

  constructor(private readonly settings: SubscriptionLimitSettings) {}

  /** Meters every message of a new socket; the socket is closed when it sends too fast. */
  watch(socket: WebSocket, now: () => number = () => performance.now()): void {
    const burst = this.settings.messagesPerSecond * 2;
    let tokens = burst;
    let at = now();
    this.sockets.set(socket, { ids: new Set() });
    socket.on('message', () => {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - at) / 1000) * this.settings.messagesPerSecond);
      at = t;
      tokens -= 1;
      if (tokens < 0 && socket.readyState === socket.OPEN)
        closeForPolicy(socket, `More than ${this.settings.messagesPerSecond} messages a second`);
    });
    socket.once('close', () => this.forget(socket));
  }

  /** Admits subscription `id` of a socket, or returns why it cannot be held. */
  admit(socket: WebSocket, workspaceId: string, id: string): string | undefined {
    const state = this.sockets.get(socket);
    if (!state) return 'Unknown socket';
    if (state.ids.has(id)) return undefined;
    if (state.ids.size >= this.settings.perSocket)
      return `More than ${this.settings.perSocket} subscriptions on one socket`;
    const held = this.perWorkspace.get(workspaceId) ?? 0;
    if (held >= this.settings.perWorkspace)
      return `More than ${this.settings.perWorkspace} subscriptions in this workspace`;
    state.ids.add(id);
    state.workspaceId = workspaceId;
    this.perWorkspace.set(workspaceId, held + 1);
    return undefined;
  }

  /** Subscription `id` of a socket completed (or never started). */
  release(socket: WebSocket, id: string): void {
    const state = this.sockets.get(socket);
    if (!state?.workspaceId || !state.ids.delete(id)) return;
    this.decrement(state.workspaceId, 1);
  }

  /** Subscriptions held by a workspace in this process. */
  held(workspaceId: string): number {
    return this.perWorkspace.get(workspaceId) ?? 0;
  }

  private forget(socket: WebSocket): void {
    const state = this.sockets.get(socket);
    if (state?.workspaceId) this.decrement(state.workspaceId, state.ids.size);
    this.sockets.delete(socket);
  }

  private decrement(workspaceId: string, n: number): void {
    const left = (this.perWorkspace.get(workspaceId) ?? 0) - n;
    if (left > 0) this.perWorkspace.set(workspaceId, left);
    else this.perWorkspace.delete(workspaceId);
  }
}
