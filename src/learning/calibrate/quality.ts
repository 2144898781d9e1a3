// Quality calibrator: given labels (each prompt's quality on the strong and on the weak model)
// and the router's scores, the smallest strong share whose quality retained (routed quality ÷
// all-strong quality) reaches a target, with PGR and a 95% percentile-bootstrap interval of the
// retained quality at that threshold. With `confidence`, the interval's lower bound must reach it.

import { sortedQuantile } from '../../eval/bootstrap.ts';
import { pgr } from '../../eval/metrics.ts';
import { seededRandom } from '../../eval/prng.ts';
import type { Interval } from '../../eval/types.ts';
import { operatingPoints, orderHighestFirst, type OperatingPoint } from './ranked.ts';

export interface LabelledScores {
  scores: readonly number[];
  strong: readonly number[];
  weak: readonly number[];
}

export interface QualityOptions {
  confidence?: boolean;
  resamples?: number;
  seed?: number;
  level?: number;
}

export interface QualityPoint {
  threshold: number;
  strongShare: number;
  retained: number;
  pgr: number;
  interval: Interval;
}

export interface QualityCalibration extends QualityPoint {
  target: number;
  samples: number;
  strongMean: number;
  weakMean: number;
  /** Every operating point (for the curve), lowest strong share first. */
  curve: QualityPoint[];
}

export function calibrateQuality(labels: LabelledScores, target: number, options: QualityOptions = {}): QualityCalibration {
  const n = labels.scores.length;
  if (n === 0) throw new Error('no labelled prompts');
  if (labels.strong.length !== n || labels.weak.length !== n) throw new Error('scores, strong and weak labels must have the same length');
  if (!(target > 0 && target <= 1)) throw new RangeError(`quality target must be in (0, 1], got ${target}`);
  const order = orderHighestFirst(labels.scores);
  const strong = order.map((i) => labels.strong[i] as number);
  const weak = order.map((i) => labels.weak[i] as number);
  const points = operatingPoints(order.map((i) => labels.scores[i] as number));

  // retained(k) per weighting: (sum strong of top k + sum weak of the rest) / sum strong.
  const retainedAt = (weights: ArrayLike<number> | null): { retained: number[]; routed: number[]; strongSum: number; weakSum: number } => {
    const w = (i: number): number => (weights ? (weights[i] as number) : 1);
    let strongSum = 0;
    let weakSum = 0;
    for (let i = 0; i < n; i++) {
      strongSum += w(i) * (strong[i] as number);
      weakSum += w(i) * (weak[i] as number);
    }
    const routed: number[] = [];
    let delta = 0;
    let k = 0;
    for (const point of points) {
      while (k < point.strongCount) {
        delta += w(k) * ((strong[k] as number) - (weak[k] as number));
        k++;
      }
      routed.push(weakSum + delta);
    }
    return { retained: routed.map((r) => r / strongSum), routed, strongSum, weakSum };
  };

  const full = retainedAt(null);
  if (!(full.strongSum > 0)) throw new Error('the strong model scores 0 on every labelled prompt: quality retained is undefined');
  const resamples = options.resamples ?? 1000;
  const random = seededRandom(options.seed ?? 1);
  const perPoint: number[][] = points.map(() => []);
  const weights = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let k = 0; k < n; k++) {
      const pick = Math.floor(random() * n);
      weights[pick] = (weights[pick] as number) + 1;
    }
    const sample = retainedAt(weights);
    if (!(sample.strongSum > 0)) continue;
    sample.retained.forEach((value, p) => perPoint[p]!.push(value));
  }
  const level = options.level ?? 0.95;
  const tail = (1 - level) / 2;
  const curve: QualityPoint[] = points.map((point: OperatingPoint, p) => {
    const sorted = perPoint[p]!.sort((a, b) => a - b);
    return {
      threshold: point.threshold,
      strongShare: point.strongCount / n,
      retained: full.retained[p] as number,
      pgr: pgr((full.routed[p] as number) / n, full.strongSum / n, full.weakSum / n),
      interval: { low: sortedQuantile(sorted, tail), high: sortedQuantile(sorted, 1 - tail) },
    };
  });
  const reaches = (point: QualityPoint): boolean => (options.confidence ? point.interval.low : point.retained) >= target - 1e-12;
  const chosen = curve.find(reaches) ?? (curve[curve.length - 1] as QualityPoint);
  return { ...chosen, target, samples: n, strongMean: full.strongSum / n, weakMean: full.weakSum / n, curve };
}

/** Quality retained (with interval and PGR) at a given threshold, e.g. one fitted to a share or a budget. */
export function qualityAtThreshold(labels: LabelledScores, threshold: number, options: Omit<QualityOptions, 'confidence'> = {}): QualityPoint {
  const curve = calibrateQuality(labels, 1, options).curve;
  const strongCount = labels.scores.filter((s) => s >= threshold).length;
  const point = curve.find((p) => Math.round(p.strongShare * labels.scores.length) === strongCount);
  if (!point) throw new Error(`no operating point sends ${strongCount} prompts strong`);
  return { ...point, threshold };
}
