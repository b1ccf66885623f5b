// `npm run build`: compiles src/ to dist/, the JavaScript `npm start` runs. Without a TypeScript
// loader in the process the gateway starts faster and holds less memory (no compiler, no
// transform cache), and what runs in production is what the type checker saw.
//
// `--if-stale` (the `prestart` hook) builds only when dist/ was not built from the current
// sources. Freshness is a digest of the inputs' contents, not of modification times: a deployment
// that copies the tree, or prunes devDependencies after building, keeps a dist/ that is still
// recognised as fresh, so `npm start` there never needs the compiler.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const DIGEST_FILE = '.build-digest';
// Everything the emitted files depend on; schema/ is read from the repository at run time.
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.ts'];

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
    filesUnder(join(path, entry.name)),
  );
}

function inputDigest(): string {
  const hash = createHash('sha256');
  const files = INPUTS.flatMap((input) => filesUnder(join(ROOT, input))).sort();
  for (const file of files) {
    // The path is hashed too, so a renamed or deleted file changes the digest.
    hash
      .update(`${relative(ROOT, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  }
  return hash.digest('hex');
}

function builtDigest(): string | undefined {
  const file = join(DIST, DIGEST_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

function tscPath(): string {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new Error(
      'dist/ is missing or was built from other sources, and TypeScript is not installed ' +
        '(devDependencies omitted?): run `npm run build` where they are, then deploy dist/ with the code',
    );
  }
}

/** Non-TypeScript files under src/ (SQL migrations) are read next to the compiled modules. */
function copyAssets(outDir: string): void {
  for (const file of filesUnder(SRC)) {
    if (file.endsWith('.ts')) continue;
    cpSync(file, join(outDir, relative(SRC, file)));
  }
}

function build(): void {
  const digest = inputDigest();
  // Compiled next to dist/ and swapped in at the end, so a gateway already running from dist/
  // (a bench, a test) never loads half of an old build and half of a new one.
  const outDir = join(ROOT, `.dist-build-${process.pid}`);
  rmSync(outDir, { recursive: true, force: true });
  try {
    execFileSync(process.execPath, [tscPath(), '-p', 'tsconfig.build.json', '--outDir', outDir], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    copyAssets(outDir);
    writeFileSync(join(outDir, DIGEST_FILE), `${digest}\n`);
    rmSync(DIST, { recursive: true, force: true });
    renameSync(outDir, DIST);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function main(args: string[]): void {
  if (args.includes('--if-stale')) {
    // An image that ships dist/ without the sources has nothing to compare with or build from.
    if (!existsSync(SRC) && existsSync(join(DIST, 'main.js'))) return;
    if (builtDigest() === inputDigest()) return;
  }
  const started = Date.now();
  build();
  console.log(`built ${relative(ROOT, DIST)}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  // tsc has already printed its diagnostics; anything else is one line, not a stack trace.
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number') console.error((error as Error).message);
  process.exit(typeof status === 'number' ? status : 1);
}
