import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). On a machine without
 * it the browser tests are skipped with one line; under CI=true it must be there.
 */
export function chromiumPath(): string | undefined {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function browserAvailable(): boolean {
  const path = chromiumPath();
  if (!path) {
    if (process.env['CI'] === 'true')
      throw new Error('chromium is not installed, and CI=true requires it');
    console.warn(
      '[skip] chromium is not installed (apt-get install -y chromium): browser tests are skipped',
    );
  }
  return !!path;
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium is not installed');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
