// A stable short id of a feature layout (sha256 of its JSON): two vectors with the same id were laid
// out the same way, so a model trained on one can score the other. Logged with each decision's
// stored feature vector and checked when such vectors are re-scored or trained on.

import { createHash } from 'node:crypto';
import type { FeatureLayout } from './extractor.ts';

export function featureLayoutId(layout: FeatureLayout): string {
  return createHash('sha256').update(JSON.stringify(layout)).digest('hex').slice(0, 16);
}
