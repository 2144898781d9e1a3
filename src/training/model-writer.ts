// Writes a trained scorer folder: models/<name>/scorer.onnx + meta.json. The version is given (a
// retrain's next version of its line) or counts up from the meta.json already in the folder, so
// logs can tell retrained models apart.

import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { META_FILE, MODEL_FORMAT, MODEL_FORMAT_VERSION, readModelMeta, type ModelMeta } from '../scoring/learned/meta.ts';
import { INPUT_NAME, ONNX_OPSET, OUTPUT_NAME } from './onnx/graph.ts';
import { writeScorerOnnx } from './onnx/write.ts';
import type { ScorerModel } from './trainers/model.ts';

export type MetaContent = Omit<ModelMeta, 'format' | 'formatVersion' | 'version' | 'created' | 'onnx'>;

export async function nextVersion(modelDir: string): Promise<number> {
  try {
    return (await readModelMeta(modelDir)).version + 1;
  } catch {
    return 1;
  }
}

export async function writeModelFolder(modelDir: string, model: ScorerModel, content: MetaContent, version?: number): Promise<ModelMeta> {
  await mkdir(modelDir, { recursive: true });
  version ??= await nextVersion(modelDir);
  const onnxPath = await writeScorerOnnx(modelDir, model, {
    metadata: { name: content.name, version: String(version), embedder: content.embedder.id, label: content.label.definition },
  });
  const sha256 = createHash('sha256').update(await readFile(onnxPath)).digest('hex');
  const meta: ModelMeta = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    version,
    created: new Date().toISOString(),
    ...content,
    onnx: { file: 'scorer.onnx', sha256, input: INPUT_NAME, output: OUTPUT_NAME, opset: ONNX_OPSET },
  };
  await writeFile(join(modelDir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`, 'utf8');
  return meta;
}
