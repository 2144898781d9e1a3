import { createTransformersEmbedder } from '../../src/embedding/transformers.ts';
import { describeEmbedderConformance } from './embedder.conformance.ts';
import { GLOVE_DIR } from './support.ts';

// The same shipped folder through the generic transformers.js path (any local model folder).
describeEmbedderConformance('glove-100d via transformers.js', {
  create: () => createTransformersEmbedder({ modelDir: GLOVE_DIR }),
  dim: 100,
  batchTolerance: 1e-6,
  semantic: true,
});
describeEmbedderConformance('glove-100d via transformers.js, batch size 2', {
  create: () => createTransformersEmbedder({ modelDir: GLOVE_DIR, batchSize: 2 }),
  dim: 100,
  batchTolerance: 1e-6,
  semantic: true,
});
