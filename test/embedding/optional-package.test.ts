// A missing optional package gives an error that names it and the install command. The failure is
// Node's real one: importing a package that is not installed.

import { describe, expect, it } from 'vitest';
import { isMissingPackage, loadOptional, MissingOptionalPackageError } from '../../src/embedding/optional-package.ts';

const ABSENT = 'triage-test-package-that-is-not-installed';

describe('loadOptional', () => {
  it('turns a missing package into an error that says what to install', async () => {
    const attempt = loadOptional(() => import(ABSENT), [ABSENT], 'the test embedder');
    await expect(attempt).rejects.toBeInstanceOf(MissingOptionalPackageError);
    await expect(loadOptional(() => import(ABSENT), [ABSENT], 'the test embedder')).rejects.toThrow(
      `the test embedder needs the optional package ${ABSENT}, not installed by default: run npm install ${ABSENT}@"latest"`,
    );
  });

  it('names the real range for a known optional package, and passes other errors through', async () => {
    const missing = Object.assign(new Error("Cannot find package '@huggingface/transformers' imported from x.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(isMissingPackage(missing, '@huggingface/transformers')).toBe(true);
    await expect(loadOptional(() => Promise.reject(missing), ['@huggingface/transformers'], 'the transformers: embedder')).rejects.toThrow(
      'npm install @huggingface/transformers@"^4.3.2"',
    );
    const other = new Error('model folder is broken');
    await expect(loadOptional(() => Promise.reject(other), ['@huggingface/transformers'], 'x')).rejects.toBe(other);
    expect(await loadOptional(() => import('node:path').then((m) => m.sep), ['x'], 'x')).toBe('/');
  });
});
