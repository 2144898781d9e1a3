// Result shapes returned by evaluate() and consumed by the SVG and report writers.

import type { RouterMetrics } from './evaluate-router.ts';

export type RouterKind = 'router' | 'random' | 'oracle';

export interface RouterResult extends RouterMetrics {
  router: string;
  kind: RouterKind;
}

export interface BenchmarkResult {
  name: string;
  strong: string;
  weak: string;
  /** Records evaluated (those scoring both models). */
  size: number;
  /** Records skipped because a model of the pair had no score. */
  skipped: number;
  strongMean: number;
  weakMean: number;
  results: RouterResult[];
}
