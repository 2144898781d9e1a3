// Locations the data tests read: the read-only public-data mirror and the project's manifest copy.

import { fileURLToPath } from 'node:url';

// The shared folder sits beside the checkout (here and in CI); TRIAGE_DATA_MIRROR overrides the mirror.
const SHARED = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const MIRROR = process.env['TRIAGE_DATA_MIRROR'] ?? `${SHARED}raw`;
export const SHARED_MANIFEST = `${SHARED}manifest.tsv`;
export const PROJECT_MANIFEST = fileURLToPath(new URL('../../training-data/manifest.tsv', import.meta.url));
export const HUB_FIXTURES = fileURLToPath(new URL('../fixtures/hub/', import.meta.url));
export const STRONG = 'gpt-4-1106-preview';
export const WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
