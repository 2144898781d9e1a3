// Sign check of feature effects across training sources, and the guard the variant selection
// rule applies with it. A feature's effect on the label is its Pearson correlation with the label
// within one source, with a seeded percentile-bootstrap interval over that source's records. A
// feature whose effect is credibly positive in one source and credibly negative in another
// (intervals on opposite sides of 0) encodes a source artefact, not difficulty: a model that
// learns it from one source routes the other one backwards. guardVariant() drops such features.
// Pure functions over arrays; training splits only (the caller passes train rows).

import { seededRandom } from '../eval/prng.ts';
import { labelsFor, type Example } from './examples.ts';
import { getLabelDefinition } from './labels.ts';
import { withMultiPairLabels } from './multi-pair.ts';
import type { Matrix } from './trainers/matrix.ts';
import type { Variant } from './variant.ts';
import type { FeatureLayout } from '../scoring/features/extractor.ts';

export interface FeatureEffect {
  feature: string;
  source: string;
  /** Correlation of the feature with the label over the source's records (0 when either is constant). */
  estimate: number;
  low: number;
  high: number;
  records: number;
}

export interface EffectOptions {
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
  /** Two-sided interval level (default 0.95). */
  level?: number;
  seed?: number;
}

/** Pearson correlation of x and y over the given row indices (0 when either has no variance). */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>, rows: ArrayLike<number>): number {
  const n = rows.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < n; k++) {
    const i = rows[k] ?? 0;
    sx += x[i] ?? 0;
    sy += y[i] ?? 0;
  }
  const mx = sx / n;
  const my = sy / n;
  let cxy = 0;
  let cxx = 0;
  let cyy = 0;
  for (let k = 0; k < n; k++) {
    const i = rows[k] ?? 0;
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    cxy += dx * dy;
    cxx += dx * dx;
    cyy += dy * dy;
  }
  return cxx <= 1e-12 || cyy <= 1e-12 ? 0 : cxy / Math.sqrt(cxx * cyy);
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? a;
  return a + (b - a) * (pos - lo);
}

/**
 * Effect of each named feature column on the label within one source: correlation with a
 * percentile bootstrap interval over records (the same resampled rows for every feature).
 */
export function sourceEffects(
  source: string,
  columns: ReadonlyArray<{ feature: string; values: ArrayLike<number> }>,
  label: ArrayLike<number>,
  options: EffectOptions = {},
): FeatureEffect[] {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const n = label.length;
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(options.seed ?? 1);
  const draws = Array.from({ length: resamples }, () => Uint32Array.from({ length: n }, () => Math.floor(random() * n)));
  return columns.map(({ feature, values }) => {
    if (values.length !== n) throw new Error(`feature "${feature}" has ${values.length} values, the label ${n}`);
    const boot = Float64Array.from(draws, (rows) => correlation(values, label, rows)).sort();
    return {
      feature,
      source,
      estimate: correlation(values, label, all),
      low: quantile(boot, (1 - level) / 2),
      high: quantile(boot, 1 - (1 - level) / 2),
      records: n,
    };
  });
}

export interface SignFlip {
  feature: string;
  /** A source whose interval lies entirely above 0, and one whose interval lies entirely below 0. */
  positive: FeatureEffect;
  negative: FeatureEffect;
}

/** Features whose effect is credibly positive in one source and credibly negative in another. */
export function signFlips(effects: readonly FeatureEffect[]): SignFlip[] {
  const byFeature = new Map<string, FeatureEffect[]>();
  for (const e of effects) byFeature.set(e.feature, [...(byFeature.get(e.feature) ?? []), e]);
  const flips: SignFlip[] = [];
  for (const [feature, list] of byFeature) {
    const positive = list.filter((e) => e.low > 0).sort((a, b) => b.estimate - a.estimate)[0];
    const negative = list.filter((e) => e.high < 0).sort((a, b) => a.estimate - b.estimate)[0];
    if (positive && negative) flips.push({ feature, positive, negative });
  }
  return flips;
}

/**
 * The selection rule's guard: a variant that uses the structural group leaves out every flipping
 * structural feature (added to its dropFeatures). Variants without the structural group, or with
 * nothing to drop, come back unchanged (the same object).
 */
export function guardVariant(variant: Variant, flipping: readonly string[]): Variant {
  if (!variant.groups.structural) return variant;
  const dropped = new Set(variant.dropFeatures ?? []);
  const extra = flipping.filter((f) => !dropped.has(f));
  if (extra.length === 0) return variant;
  return { ...variant, dropFeatures: [...(variant.dropFeatures ?? []), ...extra] };
}

/** Name of the pseudo-source that labels a multi-model source by its clearly separated model pairs. */
export const multiPairSourceName = (source: string): string => `${source} multi-pair`;

/**
 * Effects of every structural feature of the full feature matrix on the given label definition,
 * per training source, plus each multi-model source under its multi-pair labels.
 */
export function structuralEffects(
  data: { x: Matrix; layout: FeatureLayout; examples: readonly Example[] },
  labelName: string,
  options: EffectOptions = {},
): FeatureEffect[] {
  const definition = getLabelDefinition(labelName);
  const labels = labelsFor(data.examples, definition);
  const multi = withMultiPairLabels(data.examples, labels, definition);
  const effects: FeatureEffect[] = [];
  const sources = [...new Set(data.examples.map((e) => e.source))];
  for (const source of sources) {
    const rows = data.examples.flatMap((e, i) => (e.source === source ? [i] : []));
    const columns = data.layout.structural.map((feature, j) => {
      const col = data.layout.embeddingDim + j;
      return { feature, values: Float64Array.from(rows, (r) => data.x.data[r * data.x.cols + col] ?? 0) };
    });
    effects.push(...sourceEffects(source, columns, Float64Array.from(rows, (r) => labels[r] ?? 0), options));
    const isMulti = rows.some((r) => multi[r] !== labels[r]);
    if (isMulti) effects.push(...sourceEffects(multiPairSourceName(source), columns, Float64Array.from(rows, (r) => multi[r] ?? 0), options));
  }
  return effects;
}

/** Markdown table: one row per feature, one "estimate [low, high]" cell per source; flips marked. */
export function signCheckMarkdown(effects: readonly FeatureEffect[]): string {
  const sources = [...new Set(effects.map((e) => e.source))];
  const features = [...new Set(effects.map((e) => e.feature))];
  const flipping = new Set(signFlips(effects).map((f) => f.feature));
  const records = sources.map((s) => effects.find((e) => e.source === s)?.records ?? 0);
  const cell = (e: FeatureEffect | undefined) =>
    e ? `${e.estimate.toFixed(3)} [${e.low.toFixed(3)}, ${e.high.toFixed(3)}]${e.low > 0 ? ' +' : e.high < 0 ? ' −' : ''}` : '—';
  const header = ['feature', ...sources.map((s, i) => `${s} (n=${records[i]})`), 'flips sign'];
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...features.map((f) => `| ${[f, ...sources.map((s) => cell(effects.find((e) => e.feature === f && e.source === s))), flipping.has(f) ? '**yes**' : ''].join(' | ')} |`),
  ].join('\n');
}

export interface GuardResult {
  variant: Variant;
  /** Flipping features the variant used and now leaves out (empty when nothing changed). */
  dropped: string[];
  flips: SignFlip[];
}

/**
 * The guard as the selection rule applies it to training data: measure the structural effects
 * under the variant's label (train rows only), then drop the flipping features from the variant.
 * `effectsCache` (keyed by label) lets a grid reuse one measurement.
 */
export function guardBySignCheck(
  data: { x: Matrix; layout: FeatureLayout; examples: readonly Example[] },
  variant: Variant,
  options: EffectOptions & { effectsCache?: Map<string, FeatureEffect[]> } = {},
): GuardResult {
  if (!variant.groups.structural || data.layout.structural.length === 0) return { variant, dropped: [], flips: [] };
  const cached = options.effectsCache?.get(variant.label);
  const effects = cached ?? structuralEffects(data, variant.label, options);
  if (!cached) options.effectsCache?.set(variant.label, effects);
  const flips = signFlips(effects);
  const guarded = guardVariant(variant, flips.map((f) => f.feature));
  const before = new Set(variant.dropFeatures ?? []);
  return { variant: guarded, dropped: (guarded.dropFeatures ?? []).filter((f) => !before.has(f)), flips };
}

/** One line per flip, for logs: "last_user_log_chars: +0.120 [0.052, 0.187] routellm-gsm8k vs −0.236 [...] arena-bench multi-pair". */
export function describeFlips(flips: readonly SignFlip[]): string[] {
  const fmt = (e: FeatureEffect) => `${e.estimate.toFixed(3)} [${e.low.toFixed(3)}, ${e.high.toFixed(3)}] ${e.source}`;
  return flips.map((f) => `${f.feature}: ${fmt(f.positive)} vs ${fmt(f.negative)}`);
}
