import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long the merchant may take at SHOPLINE's login and consent screens. */
const STATE_TTL_MS = 15 * 60_000;

/**
 * The OAuth `state` of the landing round trip: an expiry and a nonce, signed with a key derived
 * from the secrets key. It proves the callback answers an authorisation this gateway started
 * (RFC 6749 §10.12) without storing anything per visit.
 */
export class LandingStateSigner {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    this.key = createHmac('sha256', secret)
      .update('commerce-graph/shopline-landing-state/v1')
      .digest();
  }

  issue(now = Date.now()): string {
    const body = `${now + STATE_TTL_MS}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  /** Why the state is not acceptable, or undefined when it is. */
  check(state: string | undefined, now = Date.now()): string | undefined {
    if (!state) return 'missing state';
    const parts = state.split('.');
    if (parts.length !== 3) return 'malformed state';
    const body = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(parts[2] ?? '');
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return 'state was not issued by this gateway';
    if (Number(parts[0]) < now) return 'the authorisation took too long; start again';
    return undefined;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
