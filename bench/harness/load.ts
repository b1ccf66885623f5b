import autocannon from 'autocannon';

/** One closed-loop load run: `connections` clients, each sending its next request on the answer. */
export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** When set, a response whose body differs is counted as a mismatch (wrong data under load). */
  expectBody?: string;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  mismatches: number;
}

export async function runLoad(
  request: LoadRequest,
  connections: number,
  durationSeconds: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: request.url,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections,
    pipelining: 1,
    duration: durationSeconds,
    // Enough for the slowest variant (the peer at 50 connections): a timeout is a failed request.
    timeout: 30,
    expectBody: request.expectBody,
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    mismatches: result.mismatches,
  };
}
