import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../../src/modules/base/cursor-codec.js';
import { GatewayError } from '../../../src/errors.js';

describe('CursorCodec', () => {
  const codec = new CursorCodec(randomBytes(32));

  it('round-trips a position within its scope', () => {
    const cursor = codec.encode('orders:abc', { page: 3, offset: 7 });
    expect(codec.decode('orders:abc', cursor)).toEqual({ page: 3, offset: 7 });
  });

  it('refuses a cursor from another list or filter', () => {
    const cursor = codec.encode('orders:abc', { page: 3 });
    expect(() => codec.decode('customers:abc', cursor)).toThrow(GatewayError);
    expect(() => codec.decode('orders:def', cursor)).toThrow(/"after" cursor is not valid/);
  });

  it('refuses a tampered cursor', () => {
    const cursor = codec.encode('orders', { page: 1 });
    const [body, sig] = cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ s: 'orders', p: { page: 99 } })).toString(
      'base64url',
    );
    expect(() => codec.decode('orders', `${forged}.${sig}`)).toThrow(GatewayError);
    expect(() => codec.decode('orders', `${body}.${sig}x`)).toThrow(GatewayError);
    expect(() => codec.decode('orders', 'garbage', 'before')).toThrow(/"before" cursor/);
  });

  it('refuses cursors signed by another deployment key', () => {
    const other = new CursorCodec(randomBytes(32)).encode('orders', { page: 1 });
    expect(() => codec.decode('orders', other)).toThrow(GatewayError);
  });
});
