import { createUseLiteEmbedder } from '../../src/embedding/use-lite.ts';
import { describeEmbedderConformance } from './embedder.conformance.ts';

describeEmbedderConformance('use-lite (bundled weights)', {
  create: () => createUseLiteEmbedder(),
  dim: 512,
  batchTolerance: 1e-4,
  semantic: true,
});
