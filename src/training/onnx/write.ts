// Writes a trained scorer as scorer.onnx into a model folder.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScorerModel } from '../trainers/model.ts';
import { encodeScorerGraph, type ExportInfo } from './graph.ts';

export const SCORER_ONNX_FILE = 'scorer.onnx';

export async function writeScorerOnnx(modelDir: string, model: ScorerModel, info: ExportInfo = {}): Promise<string> {
  await mkdir(modelDir, { recursive: true });
  const path = join(modelDir, SCORER_ONNX_FILE);
  await writeFile(path, encodeScorerGraph(model, info));
  return path;
}
