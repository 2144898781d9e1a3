// Locations the data tests read: the read-only public-data mirror and the project's manifest copy.

import { fileURLToPath } from 'node:url';

export const MIRROR = '/work/shared/data/raw';
export const SHARED_MANIFEST = '/work/shared/data/manifest.tsv';
export const PROJECT_MANIFEST = fileURLToPath(new URL('../../training-data/manifest.tsv', import.meta.url));
export const HUB_FIXTURES = fileURLToPath(new URL('../fixtures/hub/', import.meta.url));
export const STRONG = 'gpt-4-1106-preview';
export const WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
