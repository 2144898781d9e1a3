// The scorer-version half of `triage models`: the versions table, activate, rollback, register.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { processEnv } from '../config/env.ts';
import { readModelMeta } from '../scoring/learned/meta.ts';
import { modelVersionId, type ModelVersion } from '../store/model-versions.ts';
import { openLog } from './log-file.ts';
import { UsageError } from './usage-error.ts';

function when(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function versionsTable(versions: readonly ModelVersion[], active: readonly ModelVersion[]): string {
  if (versions.length === 0) return 'no scorer versions in the decision log (shipped folders serve; see triage retrain)\n\n';
  const activeIds = new Set(active.map((v) => v.id));
  const lines = ['scorer versions (newest first):', `  ${'id'.padEnd(18)} ${'status'.padEnd(10)} ${'active'.padEnd(6)} ${'created'.padEnd(20)} reason`];
  for (const v of versions) {
    const state = activeIds.has(v.id) ? 'yes' : v.rolledBackAt !== null ? 'rolled' : '';
    lines.push(`  ${v.id.padEnd(18)} ${v.status.padEnd(10)} ${state.padEnd(6)} ${when(v.createdAt).padEnd(20)} ${v.reason}`);
    lines.push(`  ${''.padEnd(18)} ${v.dir}`);
  }
  return `${lines.join('\n')}\n\n`;
}

export async function versionCommand(sub: 'activate' | 'rollback' | 'register', args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: { type: 'string' }, line: { type: 'string' }, activate: { type: 'boolean', default: false } },
    strict: true,
  });
  const store = await openLog(values.db, processEnv());
  try {
    if (sub === 'activate') {
      const id = positionals[0];
      if (!id || positionals.length > 1) throw new UsageError('give one version id, e.g. triage models activate default@6');
      const version = await store.activateModelVersion(id);
      const note = version.status === 'rejected' ? ` (note: the retrain gate had rejected it: ${version.reason})` : '';
      process.stdout.write(`model line ${version.line}: active version is now ${version.id}${note}; a running gateway swaps to it within seconds\n`);
      return 0;
    }
    if (sub === 'rollback') {
      const line = positionals[0] ?? 'default';
      const now = await store.rollbackModelVersion(line);
      process.stdout.write(now ? `model line ${line}: active version is now ${now.id}\n` : `model line ${line}: no version left active; the shipped folder models/${line}/ serves\n`);
      return 0;
    }
    const folder = positionals[0];
    if (!folder || positionals.length > 1) throw new UsageError('give one model folder, e.g. triage models register models/my-model');
    const dir = resolve(folder);
    const meta = await readModelMeta(dir);
    const line = values.line ?? 'default';
    if (meta.name !== line) throw new Error(`${dir} is model "${meta.name}", not line "${line}" (rows record the name; give --line ${meta.name} or train it with --name ${line})`);
    const taken = (await store.modelVersions({ line })).some((v) => v.version === meta.version);
    if (taken) throw new Error(`line ${line} already has a version ${meta.version}; train a new one`);
    const version: ModelVersion = {
      id: modelVersionId(line, meta.version), line, version: meta.version, dir, createdAt: Date.now(), status: 'registered',
      reason: 'registered by hand (no gate)', report: null, activatedAt: null, rolledBackAt: null,
    };
    await store.saveModelVersion(version);
    if (values.activate) await store.activateModelVersion(version.id);
    process.stdout.write(`registered ${version.id} (${dir})${values.activate ? ', now active' : ''}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
