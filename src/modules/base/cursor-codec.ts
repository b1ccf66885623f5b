import { createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '../../errors.js';

/**
 * Opaque, tamper-evident pagination cursors. A cursor carries the position (any JSON) and the
 * scope it was issued for: the list and its filter. A cursor edited by hand, or taken from
 * another list or filter, is refused with BAD_USER_INPUT instead of silently paging wrong.
 */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    // A key of its own, derived from the secrets key: cursors never use the encryption key as is.
    this.key = createHmac('sha256', secret).update('commerce-graph/cursor/v1').digest();
  }

  encode(scope: string, position: unknown): string {
    const body = Buffer.from(JSON.stringify({ s: scope, p: position })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /**
   * An edge whose cursor is signed when first read: a client that selects `nodes` only costs no
   * HMAC per node, and one that reads `cursor` and `pageInfo` signs each edge once.
   */
  edge<T>(scope: string, position: unknown, node: T): SignedOnReadEdge<T> {
    return new SignedOnReadEdge(this, scope, position, node);
  }

  /** `argument` names the argument (`after`, `before`) in the error message. */
  decode<T>(scope: string, cursor: string, argument = 'after'): T {
    const [body, signature, extra] = cursor.split('.');
    const invalid = () =>
      badUserInput(`The "${argument}" cursor is not valid for this list`, argument);
    if (!body || !signature || extra !== undefined) throw invalid();
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
    let parsed: { s?: unknown; p?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
        s?: unknown;
        p?: unknown;
      };
    } catch {
      throw invalid();
    }
    if (parsed.s !== scope) throw invalid();
    return parsed.p as T;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}

class SignedOnReadEdge<T> {
  private signed: string | undefined;

  constructor(
    private readonly codec: CursorCodec,
    private readonly scope: string,
    private readonly position: unknown,
    readonly node: T,
  ) {}

  get cursor(): string {
    return (this.signed ??= this.codec.encode(this.scope, this.position));
  }
}
