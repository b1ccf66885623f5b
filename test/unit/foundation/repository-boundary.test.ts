import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const scanned = ['src', 'test', 'scripts', 'bench', '.ci'];
const skip = new Set(['node_modules', 'results', 'generated', 'fixtures']);

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|js|mjs|sh|json|yaml)$/.test(name) || name === 'run') yield path;
  }
}

describe('the repository stands alone', () => {
  it('no source, test or script reads a file outside the repository', () => {
    // A path that climbs out of the clone into a sibling folder, or names this machine's layout, works
    // only where the clone happens to sit; what a test needs is copied into test/fixtures/.
    const outside = /(['"`])(\/work\/|(\.\.\/)+shared\/)/;
    const offenders = scanned
      .flatMap((dir) => [...files(join(root, dir))])
      .filter((path) => outside.test(readFileSync(path, 'utf8')))
      .map((path) => relative(root, path));
    expect(offenders).toEqual([]);
  });
});
