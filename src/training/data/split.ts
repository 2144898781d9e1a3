// Deterministic train/test assignment from a fixed hash, so every run and machine agrees.

import { createHash } from 'node:crypto';
import type { Split } from './format.ts';

/** Default share of prompts held out for testing. */
export const TEST_FRACTION = 0.25;
const SPLIT_SALT = 'triage-split-v1:';

/** A number in [0, 1) fixed by the key: the first 32 bits of sha256(salt + key). */
export function hashUnit(key: string): number {
  const digest = createHash('sha256').update(SPLIT_SALT + key, 'utf8').digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** "test" for about `fraction` of keys, decided by the key alone. */
export function splitByHash(key: string, fraction = TEST_FRACTION): Split {
  return hashUnit(key) < fraction ? 'test' : 'train';
}
