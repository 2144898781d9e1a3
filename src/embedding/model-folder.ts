// Reading local embedding model folders (config.json, tokenizer.json, onnx/model*.onnx):
// what kind of folder it is, a short content identifier for Embedder ids, and the sha256 check
// for folders that record one (word-vector folders built by scripts/build-glove-model.ts).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type ModelFolderKind = 'word-vectors' | 'transformers';

export interface ModelFolderInfo {
  dir: string;
  kind: ModelFolderKind;
  /** Parsed config.json. */
  config: Record<string, unknown>;
  /** sha256 of onnx/model.onnx as recorded in config.json (triage.model_sha256), when present. */
  recordedModelSha256?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads config.json and classifies the folder; throws a clear error when it is not a model folder. */
export function readModelFolder(dir: string): ModelFolderInfo {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new Error(`${dir}: not a model folder (no config.json)`);
  if (!existsSync(join(dir, 'tokenizer.json'))) throw new Error(`${dir}: not a model folder (no tokenizer.json)`);
  const config: unknown = JSON.parse(readFileSync(configPath, 'utf8'));
  if (!isRecord(config)) throw new Error(`${configPath}: not a JSON object`);
  const triage = isRecord(config.triage) ? config.triage : undefined;
  const kind: ModelFolderKind = triage?.kind === 'word-vectors' ? 'word-vectors' : 'transformers';
  const recordedModelSha256 = typeof triage?.model_sha256 === 'string' ? triage.model_sha256 : undefined;
  return { dir, kind, config, recordedModelSha256 };
}

/** Path of the ONNX file transformers.js would pick: onnx/model.onnx or onnx/model_quantized.onnx. */
export function onnxModelPath(dir: string, quantized = false): string {
  return join(dir, 'onnx', quantized ? 'model_quantized.onnx' : 'model.onnx');
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Short identifier of a folder's content: the recorded model sha256 when there is one, else a
 * hash of config.json plus the model file's size (cheap; avoids hashing hundreds of MB at load).
 */
export function folderContentId(info: ModelFolderInfo, quantized = false): string {
  if (info.recordedModelSha256 && !quantized) return info.recordedModelSha256.slice(0, 12);
  const modelPath = onnxModelPath(info.dir, quantized);
  const size = existsSync(modelPath) ? statSync(modelPath).size : 0;
  return sha256Hex(`${readFileSync(join(info.dir, 'config.json'), 'utf8')}\n${size}`).slice(0, 12);
}

/** Throws when the folder records a model sha256 and `modelBytes` do not match it. */
export function verifyRecordedSha256(info: ModelFolderInfo, modelBytes: Uint8Array): void {
  if (!info.recordedModelSha256) return;
  const actual = sha256Hex(modelBytes);
  if (actual !== info.recordedModelSha256) {
    throw new Error(`${info.dir}: onnx/model.onnx sha256 ${actual} does not match config.json (${info.recordedModelSha256})`);
  }
}
