// Prints, per training source (TRAIN splits only), the effect of every structural feature on the
// label: its correlation with the label and a bootstrap interval, and which features flip sign
// credibly between sources (the features the selection rule's guard drops). MT-Bench is not read.
//
//   node --import tsx scripts/sign-check.ts [--data-dir training-data] [--sources a,b] [--label gap] [--resamples 1000]

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder } from '../src/embedding/registry.ts';
import { createFeatureExtractor } from '../src/scoring/features/extractor.ts';
import { STRONG_MODEL, WEAK_MODEL } from '../src/training/data/sources/source.ts';
import { loadTrainingCorpus } from '../src/training/dataset.ts';
import { buildExamples } from '../src/training/examples.ts';
import { featurizePrompts } from '../src/training/featurize.ts';
import { DEFAULT_TRAINING_SOURCES } from '../src/training/pipeline.ts';
import { signCheckMarkdown, signFlips, structuralEffects } from '../src/training/sign-check.ts';
import { DEFAULT_VARIANT } from '../src/training/variant.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: 'training-data' },
    sources: { type: 'string', default: DEFAULT_TRAINING_SOURCES.join(',') },
    label: { type: 'string', default: DEFAULT_VARIANT.label },
    resamples: { type: 'string', default: '1000' },
  },
});

const resamples = Number(values.resamples);
if (!Number.isInteger(resamples) || resamples < 10) throw new Error('--resamples must be an integer >= 10');
const corpus = await loadTrainingCorpus(resolve(values['data-dir']), values.sources.split(','));
const examples = buildExamples(corpus.sources, { strong: STRONG_MODEL, weak: WEAK_MODEL });
// Structural features do not depend on the embedder; a weight-free one keeps the layout valid.
const embedder = await createEmbedder('hashed-ngrams:8');
const extractor = await createFeatureExtractor(embedder, { embedding: false, structural: true, taskTypes: false, inferTaskType: false, cacheSize: 0 });
const { x } = await featurizePrompts(extractor, examples.map((e) => e.record.prompt), { progress: false });
const effects = structuralEffects({ x, layout: extractor.layout, examples }, values.label, { resamples });
process.stdout.write(
  `Structural feature effects on the "${values.label}" label (correlation, 95% bootstrap interval over records, ${resamples} resamples; ` +
    `+/− = interval entirely above/below 0), train splits of ${values.sources}\n\n${signCheckMarkdown(effects)}\n\n` +
    `Flipping features: ${signFlips(effects).map((f) => `${f.feature} (+ ${f.positive.source}, − ${f.negative.source})`).join('; ') || 'none'}\n`,
);
