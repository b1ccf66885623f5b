// Adds lock entries for optional platform packages the registry mirror does not serve, so that
// `npm ci` accepts the lock file. npm records an optional dependency only when it can fetch its
// metadata; on the registry these machines reach, some platform builds (e.g. rollup's Android or
// OpenHarmony binaries) are absent, and `npm ci` then refuses the lock as "out of sync". The added
// entries are marked optional with the platform they target, so npm never tries to install them
// on another platform.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, LockEntry> };
const platformOf = (name: string) => {
  const os = [
    'android',
    'darwin',
    'freebsd',
    'linux',
    'win32',
    'openbsd',
    'netbsd',
    'sunos',
    'aix',
    'openharmony',
  ].find((o) => name.includes(o));
  const cpu = [
    'arm64',
    'x64',
    'ia32',
    'arm',
    'loong64',
    'ppc64',
    'riscv64',
    's390x',
    'mips64el',
  ].find((c) => new RegExp(`[-_]${c}([-_]|$)`).test(name));
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const prefix = path ? `${path}/node_modules/` : 'node_modules/';
    if (lock.packages[`${prefix}${dep}`] || lock.packages[`node_modules/${dep}`]) continue;
    lock.packages[`node_modules/${dep}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platformOf(dep),
    };
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} optional platform entries`);
