/** Every upstream the sandbox serves, as its control API names them. */
export const SANDBOX_UPSTREAMS = ['apipanda', 'dispatch', 'codat', 'qard', 'shopline'];

/** Client of the sandbox process's control API (`/__sandbox/...`). */
export class SandboxControl {
  constructor(readonly origin: string) {}

  /** Requests received per upstream since the last reset. */
  async requestCounts(): Promise<Record<string, number>> {
    const res = await fetch(`${this.origin}/__sandbox/stats`);
    if (!res.ok) throw new Error(`sandbox stats answered ${res.status}`);
    const body = (await res.json()) as { requests: Record<string, number> };
    return body.requests;
  }

  async totalRequests(): Promise<number> {
    return Object.values(await this.requestCounts()).reduce((a, b) => a + b, 0);
  }

  /**
   * The total once it stops moving: requests a server started before a run ended (its in-flight
   * queries' upstream calls, or ones still queued in the sandbox's sockets) land after it, and
   * must be counted in that run, not the next.
   */
  async settledTotal(quietMs = 300, maxMs = 15_000): Promise<number> {
    const deadline = Date.now() + maxMs;
    let last = await this.totalRequests();
    for (;;) {
      await new Promise((r) => setTimeout(r, quietMs));
      const now = await this.totalRequests();
      if (now === last || Date.now() > deadline) return now;
      last = now;
    }
  }

  async reset(): Promise<void> {
    const res = await fetch(`${this.origin}/__sandbox/reset`, { method: 'POST' });
    if (!res.ok) throw new Error(`sandbox reset answered ${res.status}`);
  }

  async setLatency(upstreams: string[], latencyMs: number): Promise<void> {
    for (const name of upstreams) {
      const res = await fetch(`${this.origin}/__sandbox/knobs/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs }),
      });
      if (!res.ok) throw new Error(`sandbox knobs for ${name} answered ${res.status}`);
    }
  }
}
