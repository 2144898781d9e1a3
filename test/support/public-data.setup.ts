// Vitest global setup: makes the public labelled data available to the tests that need it, once per
// run, through the project's own fetch (size and sha256 checked) into training-data/raw/: from a mirror
// (TRIAGE_DATA_MIRROR, else ../shared/data/raw beside the checkout), else from the public address.
// When neither is reachable those tests skip, and this prints one line saying why; under CI=true
// that is an error instead, so CI cannot pass with the data tests silently skipped.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { fetchEntries } from '../../src/training/data/fetch.ts';
import { readManifest } from '../../src/training/data/manifest.ts';

export interface PublicData {
  /** Folder with the verified raw files (<owner>/<repo>/<path>), or null when unavailable. */
  raw: string | null;
  /** The mirror's own manifest.tsv, when a mirror with one was used. */
  mirrorManifest: string | null;
  /** Why the data is unavailable ('' when it is available). */
  reason: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    publicData: PublicData;
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BESIDE_CHECKOUT = join(ROOT, '..', 'shared', 'data', 'raw');

/** Verified files already in `rawDir` (the cache) count as available, mirror or not. */
export async function locatePublicData(env: NodeJS.ProcessEnv, rawDir = join(ROOT, 'training-data', 'raw')): Promise<PublicData> {
  const mirror = env['TRIAGE_DATA_MIRROR'] || (existsSync(BESIDE_CHECKOUT) ? BESIDE_CHECKOUT : undefined);
  try {
    const entries = await readManifest(join(ROOT, 'training-data', 'manifest.tsv'));
    await fetchEntries(entries, {
      rawDir,
      ...(mirror ? { mirror } : {}),
      fetchImpl: (url) => fetch(url, { signal: AbortSignal.timeout(30_000) }),
    });
    const mirrorManifest = mirror ? join(dirname(mirror), 'manifest.tsv') : null;
    return { raw: rawDir, mirrorManifest: mirrorManifest && existsSync(mirrorManifest) ? mirrorManifest : null, reason: '' };
  } catch (error) {
    const where = mirror ? `the mirror ${mirror}` : 'no mirror (set TRIAGE_DATA_MIRROR or put one at ../shared/data/raw) and the public address';
    const detail = error instanceof Error ? error.message : String(error);
    return { raw: null, mirrorManifest: null, reason: `public data unavailable from ${where}: ${detail}` };
  }
}

/** The one line to print when the data tests will skip ('' when they run); throws under CI=true. */
export function skipNotice(data: PublicData, env: NodeJS.ProcessEnv): string {
  if (data.raw) return '';
  if (env['CI'] === 'true') throw new Error(`CI=true, but the public-data tests would be skipped: ${data.reason}`);
  return `Skipping the public-data tests: ${data.reason.split('\n')[0]}\n`;
}

export default async function setup(project: TestProject): Promise<void> {
  const data = await locatePublicData(process.env);
  process.stderr.write(skipNotice(data, process.env));
  project.provide('publicData', data);
}
