// Where a command writes a model folder or a report without clobbering a shipped artefact:
// the default target when it is free; with --force, the target as asked; an explicitly named
// target that is taken is an error; a taken default target moves to a new folder beside it
// (models/<name>-v<N>) or under reports/ (eval output), and the command says where it wrote.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './usage-error.ts';

export interface OutputChoice {
  dir: string;
  /** True when the default target was taken and a fresh folder was chosen instead. */
  moved: boolean;
}

/** A model folder for `triage train`: never replaces a folder holding meta.json unless forced. */
export function chooseModelDir(modelsDir: string, name: string, options: { explicit: boolean; force: boolean }): OutputChoice {
  const target = resolve(modelsDir, name);
  if (options.force || !existsSync(join(target, 'meta.json'))) return { dir: target, moved: false };
  if (options.explicit) throw new UsageError(`${target} already holds a model; pass --force to replace it, or choose another --name`);
  for (let n = 2; ; n++) {
    const candidate = resolve(modelsDir, `${name}-v${n}`);
    if (!existsSync(candidate)) return { dir: candidate, moved: true };
  }
}

/** A report folder (`triage eval`, `--experiments`): never replaces `file` in it unless forced. */
export function chooseReportDir(out: string, file: string, options: { explicit: boolean; force: boolean; kind: string; now?: Date }): OutputChoice {
  const target = resolve(out);
  if (options.force || !existsSync(join(target, file))) return { dir: target, moved: false };
  if (options.explicit) throw new UsageError(`${join(target, file)} already exists; pass --force to replace it, or choose another --out`);
  const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  return { dir: resolve('reports', `${options.kind}-${stamp}`), moved: true };
}
