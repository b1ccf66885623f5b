/**
 * Stops calling an upstream that keeps failing, so a dead dependency costs a client one fast
 * UPSTREAM_UNAVAILABLE instead of a timeout per field, and the upstream gets room to recover.
 * After `cooldownMs` one trial call is let through (half-open); its outcome decides.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;

  constructor(
    private readonly failureThreshold = 5,
    private readonly cooldownMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Whether a call may go out now; a true in half-open state claims the single trial. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** Seconds until the next trial is allowed, for a Retry-After hint. */
  secondsUntilRetry(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(1, Math.ceil((this.cooldownMs - (this.now() - this.openedAt)) / 1000));
  }

  onSuccess(): void {
    this.consecutiveFailures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
  }

  onFailure(): void {
    this.trialInFlight = false;
    this.consecutiveFailures += 1;
    if (this.openedAt !== undefined || this.consecutiveFailures >= this.failureThreshold) {
      this.openedAt = this.now();
    }
  }
}
