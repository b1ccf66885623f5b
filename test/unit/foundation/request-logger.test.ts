import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/server/logger.js';
import { DeferredChildLogger } from '../../../src/server/request-logger.js';

function sinkLogger(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger(level, sink), lines };
}

describe('request loggers made on first write', () => {
  it('write lines with the bindings and the redaction of a pino child', () => {
    const { log, lines } = sinkLogger('warn');
    const child = new DeferredChildLogger(log, { requestId: 'req-1' }, {});
    child.warn({ headers: { authorization: 'Bearer s3cret' }, code: 'X' }, 'upstream failed');
    child.child({ upstream: 'codat' }).error({ token: 'tok_s3cret' }, 'nested');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      requestId: 'req-1',
      code: 'X',
      msg: 'upstream failed',
      level: 'warn',
      headers: { authorization: '[redacted]' },
    });
    expect(lines[1]).toMatchObject({ requestId: 'req-1', upstream: 'codat', token: '[redacted]' });
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });

  it('make no child for lines below the level, and one child for all lines above it', () => {
    const { log, lines } = sinkLogger('warn');
    const made = vi.spyOn(log, 'child');
    const child = new DeferredChildLogger(log, { requestId: 'req-2' }, {});
    child.info({ status: 200 }, 'request completed');
    child.debug('detail');
    child.trace('more detail');
    expect(made).not.toHaveBeenCalled();
    expect(child.level).toBe('warn');
    child.warn('first');
    child.error('second');
    expect(made).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => l['msg'])).toEqual(['first', 'second']);
  });

  it('follow a level of its own (a route log level) and a level set later', () => {
    const { log, lines } = sinkLogger('warn');
    const child = new DeferredChildLogger(log, { requestId: 'req-3' }, { level: 'debug' });
    expect(child.level).toBe('debug');
    child.debug('route detail');
    child.level = 'error';
    child.warn('now below the level');
    const silent = new DeferredChildLogger(log, {}, { level: 'silent' });
    silent.fatal('never written');
    expect(lines.map((l) => l['msg'])).toEqual(['route detail']);
    expect(log.level).toBe('warn');
  });
});
