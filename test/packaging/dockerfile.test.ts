// No Docker engine runs here, so the Dockerfile is checked against the repository instead: every
// `npm run` script it calls exists, every file it copies from the build context exists (and is not
// excluded by .dockerignore), the runtime stage runs the same command as `npm start`, as a non-root
// user, with the SQLite log in a volume and a HEALTHCHECK on /healthz.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
// One instruction per entry, with backslash continuations joined.
const instructions = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => ({ op: line.split(/\s+/)[0]!.toUpperCase(), args: line.slice(line.indexOf(' ') + 1).trim() }));
const stages = instructions.reduce<Array<typeof instructions>>((all, instruction) => {
  if (instruction.op === 'FROM') all.push([]);
  all.at(-1)?.push(instruction);
  return all;
}, []);
const runtime = stages.at(-1) ?? [];
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
const jsonArgs = (args: string): string[] => JSON.parse(args) as string[];

describe('Dockerfile', () => {
  it('is multi-stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
  });

  it('calls only npm scripts that package.json defines', () => {
    const called = instructions.filter((i) => i.op === 'RUN').flatMap((i) => [...i.args.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(called).toContain('build');
    for (const script of called) expect(Object.keys(pkg.scripts), `npm run ${script}`).toContain(script);
  });

  it('copies only files that exist in the build context and are not ignored', () => {
    const fromContext = instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'));
    expect(fromContext.length).toBeGreaterThan(0);
    for (const { args } of fromContext) {
      const sources = args.split(/\s+/).filter((word) => !word.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        expect(existsSync(join(ROOT, source)), `COPY ${source}`).toBe(true);
        expect(ignored, `COPY ${source} is excluded by .dockerignore`).not.toContain(source);
      }
    }
    // What the runtime stage takes from the build stage is what `npm run build` writes (dist/) and the install.
    const fromBuild = runtime.filter((i) => i.op === 'COPY' && i.args.startsWith('--from')).map((i) => i.args.split(/\s+/)[1]);
    expect(fromBuild).toEqual(['/app/node_modules', '/app/dist']);
    expect(pkg.scripts['build']).toBe('tsc -p tsconfig.build.json');
    expect(JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8'))).toMatchObject({ compilerOptions: { outDir: 'dist' } });
  });

  it('runs what npm start runs, as node, not through npm', () => {
    const cmd = runtime.find((i) => i.op === 'CMD');
    expect(cmd && jsonArgs(cmd.args).join(' ')).toBe(pkg.scripts['start']!.replace(/^exec /, ''));
    const user = runtime.filter((i) => i.op === 'USER').at(-1);
    expect(user?.args).toBeDefined();
    expect(['root', '0']).not.toContain(user?.args);
  });

  it('keeps the SQLite log in a volume and checks /healthz on the port it serves', () => {
    const env = runtime.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    const db = /TRIAGE_DB=(\S+)/.exec(env)?.[1];
    const port = /PORT=(\d+)/.exec(env)?.[1];
    expect(db).toBeDefined();
    const volume = runtime.find((i) => i.op === 'VOLUME');
    expect(volume && jsonArgs(volume.args)).toContain(dirname(db!));
    const health = runtime.find((i) => i.op === 'HEALTHCHECK');
    expect(health?.args).toMatch(/CMD .*\/healthz/);
    expect(runtime.find((i) => i.op === 'EXPOSE')?.args).toBe(port);
  });

  it('ignores local installs, builds and logs', () => {
    for (const entry of ['node_modules', 'dist', '*.db']) expect(ignored).toContain(entry);
  });
});
