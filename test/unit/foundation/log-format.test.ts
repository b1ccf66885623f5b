import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createLogger, isPrettyLogging } from '../../../src/server/logger.js';

function sink(isTTY?: boolean): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  const chunks: string[] = [];
  const stream: Writable & { isTTY?: boolean } = new Writable({
    write(chunk: Buffer, _e, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  if (isTTY !== undefined) stream.isTTY = isTTY;
  return { stream, text: () => chunks.join('') };
}

describe('log format', () => {
  it('is readable on a terminal and JSON anywhere else, unless LOG_FORMAT says', () => {
    expect(isPrettyLogging('auto', true)).toBe(true);
    expect(isPrettyLogging('auto', false)).toBe(false);
    expect(isPrettyLogging('json', true)).toBe(false);
    expect(isPrettyLogging('pretty', false)).toBe(true);
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT/);
  });

  it('writes one human line per entry to a TTY, credentials still redacted', () => {
    const tty = sink(true);
    createLogger('info', tty.stream).info(
      { token: 'tok_secret', route: '/graphql' },
      'request done',
    );
    const text = stripVTControlCharacters(tty.text());
    expect(text).toMatch(/^\[[\d:.]+\] INFO: request done\n/);
    expect(text).toContain('route: "/graphql"');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('tok_secret');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('writes JSON lines to a pipe or file', () => {
    const pipe = sink();
    createLogger('info', pipe.stream).info({ route: '/graphql' }, 'request done');
    expect(JSON.parse(pipe.text())).toMatchObject({
      level: 'info',
      msg: 'request done',
      route: '/graphql',
    });
  });
});
