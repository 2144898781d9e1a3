// One retrain: train a candidate scorer on public train splits plus the team's own train labels
// (the active model's embedder and feature groups, so stored feature vectors are valid inputs),
// score candidate and active model on the held-out own labels (paired bootstrap) and on the
// public test splits (bootstrap intervals), and apply the gate. Writing the version row is the
// caller's (the CLI's); this returns the figures and the verdict.

import { evaluateScores } from '../../eval/evaluate-router.ts';
import { pairedApgr, type Estimate, type PairedApgr } from '../../eval/paired-bootstrap.ts';
import { createLearnedScorer, type LearnedScorer } from '../../scoring/learned.ts';
import { readModelMeta, type ModelMeta } from '../../scoring/learned/meta.ts';
import type { LabelledRecord } from '../../training/data/format.ts';
import { listSourceFiles, memorySource, readSourceFile } from '../../training/dataset.ts';
import { removeLeaks } from '../../training/data/disjoint.ts';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { PairModels } from '../../training/examples.ts';
import { prepareTrainingData, trainAndExport } from '../../training/pipeline.ts';
import { DEFAULT_VARIANT, type Variant } from '../../training/variant.ts';
import { OWN_TRAFFIC_SOURCE } from '../labels-export.ts';
import { DEFAULT_GATE_RULE, gateVerdict, type GateRule, type GateVerdict } from './gate.ts';

export interface CandidateOptions {
  /** The team's labels (own-traffic records; their test split is held out). */
  own: readonly LabelledRecord[];
  ownPair: PairModels;
  /** Public pair (the public sets' strong and weak models). */
  publicPair: PairModels;
  dataDir: string;
  publicSources: readonly string[];
  /** Model line (meta.json name) and version of the candidate, and where to write it. */
  line: string;
  version: number;
  candidateDir: string;
  activeDir: string;
  /** Weight of the own-traffic source relative to one public source (default 1). */
  ownWeight?: number;
  variant?: Variant;
  cvFolds?: number;
  log?: (line: string) => void;
  /** Test hook: replace the own train records' labels (e.g. shuffle them) before training. */
  transformOwnTrain?: (records: LabelledRecord[]) => LabelledRecord[];
}

async function publicTestHashes(dataDir: string): Promise<Set<string>> {
  const hashes = new Set<string>();
  if (!existsSync(dataDir)) return hashes;
  for (const name of await listSourceFiles(dataDir)) {
    for (const r of (await readSourceFile(dataDir, name)).records) if (r.split === 'test') hashes.add(r.promptHash);
  }
  return hashes;
}

/**
 * The active model's own recipe (trainer settings, label, weighting, feature groups, dropped
 * features), so the candidate differs from it only by the data: own labels added at `ownWeight`
 * relative to one public source. Recipes this cannot read fall back to the default variant.
 */
export function activeVariant(active: ModelMeta, ownWeight: number): Variant {
  const hp = active.model.hyperParameters;
  const num = (key: string): number | undefined => (typeof hp[key] === 'number' ? hp[key] : undefined);
  const weights = typeof hp['sourceWeights'] === 'object' && hp['sourceWeights'] !== null ? (hp['sourceWeights'] as Record<string, unknown>) : {};
  const sourceWeights: Record<string, number> = {};
  for (const [k, v] of Object.entries(weights)) if (typeof v === 'number') sourceWeights[k] = v;
  const dropFeatures = Array.isArray(hp['dropFeatures']) ? hp['dropFeatures'].filter((f): f is string => typeof f === 'string') : [];
  const logistic = active.model.trainer === 'logistic';
  const l2 = num('l2');
  return {
    ...DEFAULT_VARIANT,
    ...(logistic ? { logistic: { ...DEFAULT_VARIANT.logistic, ...(l2 !== undefined ? { l2 } : {}) } } : {}),
    label: active.label.definition,
    weighting: hp['weighting'] === 'records' ? 'records' : 'sources',
    groups: { ...active.features.groups },
    sourceWeights: { ...sourceWeights, [OWN_TRAFFIC_SOURCE]: ownWeight },
    ...(logistic && typeof hp['sourceOffsets'] === 'boolean' ? { sourceOffsets: hp['sourceOffsets'] } : {}),
    ...(dropFeatures.length > 0 ? { dropFeatures } : {}),
  };
}

export interface CandidateResult {
  dir: string;
  trainRecords: Record<string, number>;
}

export async function trainCandidate(options: CandidateOptions): Promise<CandidateResult> {
  const active = await readModelMeta(options.activeDir);
  // An own prompt that is also a public test prompt is not trained on (the public test stays clean).
  const forbidden = await publicTestHashes(options.dataDir);
  const { kept: ownTrain, dropped } = removeLeaks(options.own.filter((r) => r.split === 'train'), forbidden);
  if (dropped > 0) options.log?.(`${dropped} own train label(s) dropped: their prompt is in a public test split`);
  const trainedOwn = options.transformOwnTrain ? options.transformOwnTrain(ownTrain) : ownTrain;
  const own = [...trainedOwn, ...options.own.filter((r) => r.split === 'test')];
  const useOwn = trainedOwn.length > 0;
  const variant: Variant = options.variant ?? activeVariant(active, options.ownWeight ?? 1);
  const sources = [...options.publicSources, ...(useOwn ? [OWN_TRAFFIC_SOURCE] : [])];
  if (sources.length === 0) throw new Error('nothing to train on: no public sources and no own train labels');
  // The embedding cache lives in the data folder (own labels only: it may not exist yet).
  await mkdir(options.dataDir, { recursive: true });
  const prepared = await prepareTrainingData({
    dataDir: options.dataDir,
    sources,
    embedderSpec: active.embedder.spec,
    pair: options.publicPair,
    pairs: { [OWN_TRAFFIC_SOURCE]: options.ownPair },
    groups: variant.groups,
    extraSources: own.length > 0 ? [memorySource(OWN_TRAFFIC_SOURCE, own, 'decision log (triage labels export)')] : [],
    progress: false,
    ...(options.log ? { log: options.log } : {}),
  });
  try {
    const trainRecords: Record<string, number> = {};
    for (const e of prepared.data.examples) trainRecords[e.source] = (trainRecords[e.source] ?? 0) + 1;
    await trainAndExport(prepared, {
      name: options.line,
      modelsDir: options.candidateDir,
      modelDir: options.candidateDir,
      version: options.version,
      variant,
      cvFolds: options.cvFolds ?? 0,
      tune: false,
      description: `retrained on ${Object.entries(trainRecords).map(([s, n]) => `${s} ${n}`).join(', ')} records`,
    });
    return { dir: options.candidateDir, trainRecords };
  } finally {
    await prepared.close();
  }
}

/** Scores records through a learned scorer: stored vectors of its layout as they are, else the prompt. */
export async function scoreRecords(scorer: LearnedScorer, records: readonly LabelledRecord[]): Promise<Float64Array> {
  const out = new Float64Array(records.length);
  const byVector: number[] = [];
  const byPrompt: number[] = [];
  records.forEach((r, i) => (r.features?.layout === scorer.layoutId ? byVector : byPrompt).push(i));
  const vectors = await scorer.scoreVectors(byVector.map((i) => Float32Array.from(records[i]?.features?.vector ?? [])));
  byVector.forEach((i, k) => (out[i] = vectors[k] ?? Number.NaN));
  for (let start = 0; start < byPrompt.length; start += 64) {
    const chunk = byPrompt.slice(start, start + 64);
    const results = await Promise.all(chunk.map((i) => scorer.score({ model: 'triage-retrain', messages: [{ role: 'user', content: records[i]?.prompt ?? '' }] })));
    chunk.forEach((i, k) => (out[i] = results[k]?.score ?? Number.NaN));
  }
  return out;
}

export interface PublicFigures {
  records: number;
  candidate: Estimate;
  active: Estimate;
}

export interface GateReport {
  candidate: { dir: string; name: string };
  active: { dir: string; name: string };
  own: PairedApgr | null;
  public: Record<string, PublicFigures>;
  rule: GateRule;
  verdict: GateVerdict;
}

export interface GateOptions {
  candidateDir: string;
  activeDir: string;
  ownTest: readonly LabelledRecord[];
  ownPair: PairModels;
  /** Public test records by source, with the pair they are scored for. */
  publicTests?: ReadonlyArray<{ source: string; records: readonly LabelledRecord[]; pair: PairModels }>;
  rule?: GateRule;
  resamples?: number;
  seed?: number;
}

function usableFor(records: readonly LabelledRecord[], pair: PairModels, layoutIds: readonly string[]): LabelledRecord[] {
  return records.filter((r) => r.scores[pair.strong] !== undefined && r.scores[pair.weak] !== undefined &&
    (r.prompt.trim() !== '' || layoutIds.every((id) => r.features?.layout === id)));
}

const qualitiesOf = (records: readonly LabelledRecord[], pair: PairModels) => ({
  strong: Float64Array.from(records, (r) => r.scores[pair.strong] ?? 0),
  weak: Float64Array.from(records, (r) => r.scores[pair.weak] ?? 0),
});

export async function evaluateAndGate(options: GateOptions): Promise<GateReport> {
  const rule = options.rule ?? DEFAULT_GATE_RULE;
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 1;
  const candidate = await createLearnedScorer({ modelDir: options.candidateDir });
  try {
    const active = await createLearnedScorer({ modelDir: options.activeDir });
    try {
      const ownTest = usableFor(options.ownTest, options.ownPair, [candidate.layoutId, active.layoutId]);
      let own: PairedApgr | null = null;
      if (ownTest.length > 0) {
        const [c, a] = [await scoreRecords(candidate, ownTest), await scoreRecords(active, ownTest)];
        own = pairedApgr(c, a, qualitiesOf(ownTest, options.ownPair), { resamples, seed, level: rule.level });
      }
      const figures: Record<string, PublicFigures> = {};
      for (const t of options.publicTests ?? []) {
        const records = usableFor(t.records, t.pair, [candidate.layoutId, active.layoutId]);
        if (records.length === 0) continue;
        const q = qualitiesOf(records, t.pair);
        const one = async (s: LearnedScorer): Promise<Estimate> => {
          const m = evaluateScores(await scoreRecords(s, records), q, { bootstrap: { resamples, seed } });
          return { value: m.apgr, low: m.ci?.apgr.low ?? Number.NaN, high: m.ci?.apgr.high ?? Number.NaN };
        };
        figures[t.source] = { records: records.length, candidate: await one(candidate), active: await one(active) };
      }
      return {
        candidate: { dir: options.candidateDir, name: candidate.name },
        active: { dir: options.activeDir, name: active.name },
        own,
        public: figures,
        rule,
        verdict: gateVerdict(own, rule),
      };
    } finally {
      await active.close();
    }
  } finally {
    await candidate.close();
  }
}
