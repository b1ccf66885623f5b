import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest (upstream tokens, credentials). A sealed value records the id
 * of the key that sealed it, so after a rotation old rows still open with the previous key while
 * new rows use the new one; `reseal` moves a value to the current key.
 *
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(currentKey: Buffer, previousKeys: Buffer[] = []) {
    for (const key of [currentKey, ...previousKeys]) {
      if (key.length !== 32) throw new Error('SecretBox keys must be 32 bytes');
      this.keys.set(keyIdOf(key), key);
    }
    this.currentKeyId = keyIdOf(currentKey);
  }

  /** `aad` binds the ciphertext to its row (e.g. the record id) so it cannot be pasted elsewhere. */
  seal(plaintext: string, aad = ''): string {
    const key = this.keys.get(this.currentKeyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', this.currentKeyId, b64(iv), b64(tag), b64(ciphertext)].join('.');
  }

  open(sealed: string, aad = ''): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new SecretBoxError('not a sealed secret');
    const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SecretBoxError(
        `sealed with key ${keyId}, which is neither SECRETS_KEY nor in SECRETS_PREVIOUS_KEYS`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError('sealed secret failed authentication (tampered or wrong context)');
    }
  }

  /** True when the value was sealed with an older key and should be resealed. */
  needsReseal(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentKeyId;
  }

  reseal(sealed: string, aad = ''): string {
    return this.needsReseal(sealed) ? this.seal(this.open(sealed, aad), aad) : sealed;
  }
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/** A short, public fingerprint of a key: safe to store and log, useless to an attacker. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

const b64 = (b: Buffer) => b.toString('base64url');
