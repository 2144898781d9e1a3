// Embedder over ANY local model folder (config.json, tokenizer.json, onnx/model*.onnx) with the
// @huggingface/transformers feature-extraction pipeline: mean pooling over the attention mask,
// then L2 normalisation. Never fetches: remote models are disabled and the folder is read
// through env.localModelPath.

import { basename, dirname, resolve } from 'node:path';
import { env, LogLevel, pipeline } from '@huggingface/transformers';
import type { Embedder } from './embedder.ts';
import { disableOnnxTelemetry } from './onnx-telemetry.ts';
import { folderContentId, readModelFolder } from './model-folder.ts';
import { normalizeInPlace } from './vector-math.ts';

export interface TransformersEmbedderOptions {
  modelDir: string;
  /** Use onnx/model_quantized.onnx (dtype q8) instead of onnx/model.onnx. */
  quantized?: boolean;
  /** Texts per forward pass; texts are grouped by length to limit padding. Default 8. */
  batchSize?: number;
  /** ONNX Runtime intra-op threads. Default 1 (the router runs many small requests). */
  threads?: number;
}

// env.localModelPath is global to transformers.js, so loads run one at a time.
let loadQueue: Promise<unknown> = Promise.resolve();

/** Loads the pipeline with the folder's parent as the local model root, offline. */
function loadPipeline(modelDir: string, quantized: boolean, threads: number, quietFallback: boolean) {
  disableOnnxTelemetry();
  const load = loadQueue.then(() => loadPipelineNow(modelDir, quantized, threads, quietFallback));
  loadQueue = load.catch(() => undefined);
  return load;
}

async function loadPipelineNow(modelDir: string, quantized: boolean, threads: number, quietFallback: boolean) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${dirname(modelDir)}/`;
  const previousLogLevel = env.logLevel;
  // Word-vector folders use a model_type transformers.js does not know; its base-class fallback
  // is exactly what they need, so its warning is noise there.
  if (quietFallback) env.logLevel = LogLevel.ERROR;
  try {
    return await pipeline('feature-extraction', basename(modelDir), {
      local_files_only: true,
      device: 'cpu',
      dtype: quantized ? 'q8' : 'fp32',
      session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
    });
  } finally {
    env.logLevel = previousLogLevel;
  }
}

export async function createTransformersEmbedder(options: TransformersEmbedderOptions): Promise<Embedder> {
  const modelDir = resolve(options.modelDir);
  const quantized = options.quantized ?? false;
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const info = readModelFolder(modelDir);
  const extractor = await loadPipeline(modelDir, quantized, options.threads ?? 1, info.kind === 'word-vectors');

  async function embedNonEmpty(texts: string[]): Promise<Float32Array[]> {
    const output = await extractor(texts, { pooling: 'mean', normalize: false });
    const width = output.dims.at(-1) ?? 0;
    const data = output.data;
    if (!(data instanceof Float32Array)) throw new Error('feature-extraction gave non-float32 output');
    return texts.map((_, row) => normalizeInPlace(data.slice(row * width, (row + 1) * width)));
  }

  const [probe] = await embedNonEmpty(['dimension probe']);
  const dim = probe?.length ?? 0;
  if (dim === 0) throw new Error(`${modelDir}: feature-extraction produced no vector`);

  let closed = false;
  return {
    id: `transformers:${basename(modelDir)}${quantized ? '-q8' : ''}@${folderContentId(info, quantized)}`,
    dim,
    async embed(texts) {
      if (closed) throw new Error('embedder is closed');
      const vectors: Float32Array[] = texts.map(() => new Float32Array(dim));
      const order = texts
        .map((text, index) => ({ text, index }))
        .filter(({ text }) => text.trim().length > 0)
        .sort((a, b) => a.text.length - b.text.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const chunk = order.slice(start, start + batchSize);
        const chunkVectors = await embedNonEmpty(chunk.map(({ text }) => text));
        chunk.forEach(({ index }, row) => {
          const vector = chunkVectors[row];
          if (vector) vectors[index] = vector;
        });
      }
      return vectors;
    },
    async close() {
      if (closed) return;
      closed = true;
      await extractor.dispose();
    },
  };
}
