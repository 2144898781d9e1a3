#!/usr/bin/env node
// Entry point of the `triage` command: runs the compiled CLI in dist/ (built by `npm run build`,
// which `npm ci` runs through `prepare`). TRIAGE_SOURCE=1, or a checkout with nothing built yet,
// runs the TypeScript sources instead through tsx (a development dependency).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
const fromSource = process.env.TRIAGE_SOURCE === '1' || !existsSync(compiled);
let entry = compiled.href;
if (fromSource) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('triage: dist/ is not built and tsx is not installed: run "npm run build" in a full install (npm ci)\n');
    process.exit(1);
  }
  entry = new URL('../src/cli/main.ts', import.meta.url).href;
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
