// Fast Embedder for word-vector model folders (e.g. models/embedders/glove-100d): tokenises in
// TypeScript with the folder's tokenizer.json and averages the vectors of known words, then
// L2-normalises. Two equivalent engines: "table" sums rows of the embedding table read out of
// model.onnx (default, fastest), "onnx" runs model.onnx in onnxruntime-node.

import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Embedder } from './embedder.ts';
import { disableOnnxTelemetry } from './onnx-telemetry.ts';
import { folderContentId, onnxModelPath, readModelFolder, verifyRecordedSha256 } from './model-folder.ts';
import { normalizedCopy } from './vector-math.ts';
import { readEmbeddingTable } from './word-vector-onnx.ts';
import { createWordTokenizer, type WordTokenizer } from './word-vector-tokenizer.ts';

export type WordVectorEngine = 'table' | 'onnx';

export interface WordVectorEmbedderOptions {
  modelDir: string;
  /** "table" (default) or "onnx"; both give the same vectors. */
  engine?: WordVectorEngine;
}

/** Token ids of one text without [PAD]/[UNK] (their rows are zero and they do not count). */
function knownIds(tokenizer: WordTokenizer, text: string, padId: number): number[] {
  return tokenizer.encode(text).filter((id) => id !== tokenizer.unkId && id !== padId);
}

function tableEngine(table: Float32Array, dim: number): (ids: number[]) => Promise<Float32Array> {
  return async (ids) => {
    const sum = new Float64Array(dim);
    for (const id of ids) {
      const offset = id * dim;
      for (let d = 0; d < dim; d++) sum[d] = (sum[d] as number) + (table[offset + d] as number);
    }
    return normalizedCopy(sum);
  };
}

async function onnxEngine(modelBytes: Uint8Array, dim: number): Promise<{ run: (ids: number[]) => Promise<Float32Array>; release: () => Promise<void> }> {
  // Loaded only when asked for, so the default table engine does not pay for the native runtime.
  const { InferenceSession, Tensor } = await import('onnxruntime-node');
  disableOnnxTelemetry();
  const session = await InferenceSession.create(modelBytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return {
    async run(ids) {
      if (ids.length === 0) return new Float32Array(dim);
      const shape = [1, ids.length];
      const inputIds = new Tensor('int64', BigInt64Array.from(ids, BigInt), shape);
      const mask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape);
      const outputs = await session.run({ input_ids: inputIds, attention_mask: mask });
      const hidden = outputs.last_hidden_state;
      if (!hidden || !(hidden.data instanceof Float32Array)) throw new Error('model.onnx gave no float32 last_hidden_state');
      const sum = new Float64Array(dim);
      const data = hidden.data;
      for (let t = 0; t < ids.length; t++) {
        for (let d = 0; d < dim; d++) sum[d] = (sum[d] as number) + (data[t * dim + d] as number);
      }
      return normalizedCopy(sum);
    },
    release: () => session.release(),
  };
}

export async function createWordVectorEmbedder(options: WordVectorEmbedderOptions): Promise<Embedder> {
  const modelDir = resolve(options.modelDir);
  const info = readModelFolder(modelDir);
  if (info.kind !== 'word-vectors') throw new Error(`${modelDir}: config.json does not declare triage.kind "word-vectors"`);
  const tokenizer = createWordTokenizer(JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')));
  const modelBytes = readFileSync(onnxModelPath(modelDir));
  verifyRecordedSha256(info, modelBytes);
  const padId = typeof info.config.pad_token_id === 'number' ? info.config.pad_token_id : 0;

  const { table, vocabSize, dim } = readEmbeddingTable(modelBytes);
  if (vocabSize < tokenizer.vocabSize) throw new Error(`${modelDir}: tokenizer has ${tokenizer.vocabSize} ids but the table only ${vocabSize} rows`);
  const engine = options.engine ?? 'table';
  let run: (ids: number[]) => Promise<Float32Array>;
  let release = async (): Promise<void> => {};
  if (engine === 'table') {
    run = tableEngine(table, dim);
  } else {
    const onnx = await onnxEngine(modelBytes, dim);
    run = onnx.run;
    release = onnx.release;
  }

  let closed = false;
  return {
    id: `${basename(modelDir)}@${folderContentId(info)}`,
    dim,
    async embed(texts) {
      if (closed) throw new Error('embedder is closed');
      const vectors: Float32Array[] = [];
      for (const text of texts) vectors.push(await run(knownIds(tokenizer, text, padId)));
      return vectors;
    },
    async close() {
      if (closed) return;
      closed = true;
      await release();
    },
  };
}
