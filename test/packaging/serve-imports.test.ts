// What `triage serve` loads with the default config: the static import closure of the CLI entry,
// the serve command and the default (learned) scorer. It must stay within the runtime
// `dependencies` of package.json (so `npm ci --omit=dev` can serve) and must not reach training code.
// Optional packages (transformers.js, USE-lite) are only ever imported lazily, behind loadOptional.

import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTIONAL_PACKAGES } from '../../src/embedding/optional-package.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

/** Value imports (not `import type`) of a file: static ones only, dynamic import() is lazy. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm)) found.push(match[1]!);
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function closure(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((entry) => join(ROOT, entry));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) packages.add(packageName(specifier));
    }
  }
  return { files, packages };
}

describe('the default serve path', () => {
  const { files, packages } = closure(['src/cli/main.ts', 'src/cli/serve.ts', 'src/scoring/learned.ts']);

  it('imports only runtime dependencies', () => {
    expect(files.size).toBeGreaterThan(20);
    for (const name of packages) expect(Object.keys(pkg.dependencies), `${name} is imported on the serve path`).toContain(name);
  });

  it('loads no training code', () => {
    const training = [...files].map((file) => relative(ROOT, file)).filter((file) => file.startsWith('src/training/'));
    expect(training).toEqual([]);
  });

  it('the optional packages are optional peers, installed for development, with the ranges the error message gives', () => {
    for (const [name, range] of Object.entries(OPTIONAL_PACKAGES)) {
      expect(pkg.dependencies[name], name).toBeUndefined();
      expect(pkg.peerDependencies[name], name).toBe(range);
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
      expect(pkg.devDependencies[name], name).toBe(range);
    }
  });
});
