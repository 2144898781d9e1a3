// `npm ci` / `npm install` runs this (the `prepare` script): it compiles src/ to dist/ with tsc when
// TypeScript is installed. An install without development packages (--omit=dev) has no tsc; it
// then keeps an existing dist/ or says in one line how to get one. Plain JavaScript: tsx may be absent.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
    process.stderr.write('triage: TypeScript is not installed (--omit=dev), so dist/ was not built; build in a full install first: npm ci && npm prune --omit=dev\n');
  }
  process.exit(0);
}
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
process.exit(result.status ?? 1);
