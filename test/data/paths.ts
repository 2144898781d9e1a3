// Locations the data tests read: the verified public data (made available once per run by
// test/support/public-data.setup.ts, or null when unavailable: those tests then skip) and the
// project's manifest copy.

import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const PUBLIC_DATA = inject('publicData');
/** The verified raw files (<owner>/<repo>/<path>); '' when unavailable (tests using it are skipped). */
export const MIRROR = PUBLIC_DATA.raw ?? '';
/** True when the public-data tests must skip. */
export const NO_PUBLIC_DATA = PUBLIC_DATA.raw === null;
export const PROJECT_MANIFEST = fileURLToPath(new URL('../../training-data/manifest.tsv', import.meta.url));
export const HUB_FIXTURES = fileURLToPath(new URL('../fixtures/hub/', import.meta.url));
export const STRONG = 'gpt-4-1106-preview';
export const WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
