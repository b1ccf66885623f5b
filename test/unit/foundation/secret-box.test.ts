import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError } from '../../../src/store/secret-box.js';

describe('SecretBox (AES-256-GCM at rest)', () => {
  const key = randomBytes(32);

  it('round-trips and never contains the plaintext', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('shpat_secret_token', 'connection:1');
    expect(sealed).not.toContain('shpat_secret_token');
    expect(sealed.startsWith(`v1.${box.currentKeyId}.`)).toBe(true);
    expect(box.open(sealed, 'connection:1')).toBe('shpat_secret_token');
  });

  it('uses a fresh IV each time', () => {
    const box = new SecretBox(key);
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a value moved to another row (AAD) or tampered with', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('token', 'row-1');
    expect(() => box.open(sealed, 'row-2')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'row-1')).toThrow(/failed authentication/);
  });

  it('opens values sealed under a previous key after rotation and reseals them', () => {
    const oldKey = randomBytes(32);
    const sealedOld = new SecretBox(oldKey).seal('token', 'r');
    const rotated = new SecretBox(key, [oldKey]);
    expect(rotated.open(sealedOld, 'r')).toBe('token');
    expect(rotated.needsReseal(sealedOld)).toBe(true);
    const resealed = rotated.reseal(sealedOld, 'r');
    expect(rotated.needsReseal(resealed)).toBe(false);
    expect(new SecretBox(key).open(resealed, 'r')).toBe('token');
  });

  it('says which key is missing when a key was dropped too early', () => {
    const sealed = new SecretBox(randomBytes(32)).seal('token');
    expect(() => new SecretBox(key).open(sealed)).toThrow(
      /neither SECRETS_KEY nor in SECRETS_PREVIOUS_KEYS/,
    );
  });
});
