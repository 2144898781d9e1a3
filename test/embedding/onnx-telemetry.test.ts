// onnxruntime-node's telemetry client leaves an empty mat-debug-<pid>.log and a .ses file in the
// temp folder of every process that creates a session. The project's session loaders turn it off:
// a real scorer session opened in a child process whose TMPDIR is a fresh folder leaves it empty.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { suiteTempDir } from '../support/temp-dir.ts';

const temp = suiteTempDir('triage-ort-telemetry-');
const SESSION = fileURLToPath(new URL('../../src/scoring/learned/onnx-session.ts', import.meta.url));
const SCORER = fileURLToPath(new URL('../../models/default/scorer.onnx', import.meta.url));

it('opening an ONNX session leaves no telemetry files in the temp folder', () => {
  const code = `
    const { openScorerSession } = await import(${JSON.stringify(SESSION)});
    const session = await openScorerSession(${JSON.stringify(SCORER)}, 0).catch((error) => ({ error }));
    // The width check may refuse the session: it was created all the same, which is what matters here.
    if (session.release) await session.release();
    console.log('opened');`;
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp.path };
  delete env['ORT_DISABLE_TELEMETRY'];
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { env, encoding: 'utf8' });
  expect(result.stdout + result.stderr).toContain('opened');
  // tsx keeps its compile cache there (tsx-<uid>); nothing else may appear.
  expect(readdirSync(temp.path).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
});
