import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/server/logger.js';

describe('structured logs', () => {
  it('redact credentials by field name at any depth we log', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      {
        headers: { authorization: 'Bearer eyJsecret', 'x-api-key': 'cg_key_secret' },
        token: 'tok_secret',
        upstream: {
          request: {
            accessToken: 'acc_secret',
            credentials: { apiKey: 'k_secret', apiSecret: 's_secret' },
          },
        },
        keep: 'visible',
      },
      'call',
    );
    const text = lines.join('');
    for (const secret of [
      'eyJsecret',
      'cg_key_secret',
      'tok_secret',
      'acc_secret',
      'k_secret',
      's_secret',
    ]) {
      expect(text).not.toContain(secret);
    }
    const entry = JSON.parse(text) as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 'info',
      msg: 'call',
      keep: 'visible',
      token: '[redacted]',
      service: 'commerce-graph',
    });
  });
});
