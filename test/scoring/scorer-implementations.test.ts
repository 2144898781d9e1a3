// Runs the shared Scorer conformance suite over every implementation: the seeded random baseline
// and the learned scorer with the shipped default model (real GloVe weights, real ONNX runtime).

import { createLearnedScorer } from '../../src/scoring/learned.ts';
import { createRandomScorer } from '../../src/scoring/random.ts';
import { describeScorerConformance } from './scorer.conformance.ts';

describeScorerConformance('random (seeded)', { create: () => createRandomScorer({ seed: 42 }) });
describeScorerConformance('learned (models/default)', { create: () => createLearnedScorer() });
