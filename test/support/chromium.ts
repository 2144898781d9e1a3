// Test helper for browser tests: Debian's Chromium driven by playwright-core (never a downloaded
// browser), headless with a fresh profile. `chromiumMissing` says why a suite must skip; under
// CI=true a missing Chromium is an error instead (CI installs it), as for the public data.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium; TRIAGE_CHROMIUM names another binary (e.g. a missing one, to see the skip). */
export const CHROMIUM = process.env['TRIAGE_CHROMIUM'] || '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} is missing (apt-get install -y chromium)`;
  if (process.env['CI'] === 'true') throw new Error(`browser tests must run under CI=true, but ${why}`);
  console.warn(`[skip] browser tests: ${why}`);
  return why;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile; `credentials` answer the dashboard's Basic prompt. */
export async function launchChromium(credentials?: { username: string; password: string }): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'triage-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
    ...(credentials ? { httpCredentials: credentials } : {}),
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
