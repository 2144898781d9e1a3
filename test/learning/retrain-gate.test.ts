// The retrain regression gate on real trained ONNX models: a candidate trained on shuffled own
// labels is rejected against a good active model, and a candidate trained on the true labels is
// promoted over an active model that learned from shuffled ones. Labels are synthetic own traffic
// (hard proofs need the strong model, greetings do not), held out by prompt hash.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairedApgr } from '../../src/eval/paired-bootstrap.ts';
import { gateVerdict, DEFAULT_GATE_RULE } from '../../src/learning/retrain/gate.ts';
import { evaluateAndGate, trainCandidate } from '../../src/learning/retrain/run.ts';
import { makeRecord, type LabelledRecord } from '../../src/training/data/format.ts';
import { ownSplit } from '../../src/learning/labels-export.ts';
import { memorySource } from '../../src/training/dataset.ts';
import { prepareTrainingData, trainAndExport } from '../../src/training/pipeline.ts';
import { DEFAULT_VARIANT } from '../../src/training/variant.ts';
import { seededRandom } from '../../src/eval/prng.ts';
import { suiteTempDir } from '../support/temp-dir.ts';

const PAIR = { strong: 'gpt-4.1', weak: 'gpt-4.1-mini' };
const GROUPS = { embedding: false, structural: true, taskTypes: false };

function ownRecords(n: number): LabelledRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const hard = i % 2 === 0;
    const prompt = hard
      ? `Prove that for every integer n >= ${i % 9 + 1}, the sum 1 + 2 + ... + n equals n(n+1)/2. Give the induction step, the base case, and check it for n = ${i}.`
      : `thanks, see you ${i}`;
    const record = makeRecord({ id: `own/${i}`, prompt, scores: { [PAIR.strong]: 1, [PAIR.weak]: hard ? 0 : 1 }, source: 'own-traffic', split: 'train' });
    return { ...record, split: ownSplit(record.promptHash) };
  });
}

function shuffled(records: LabelledRecord[]): LabelledRecord[] {
  const random = seededRandom(7);
  const scores = records.map((r) => r.scores);
  for (let i = scores.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [scores[i], scores[j]] = [scores[j]!, scores[i]!];
  }
  return records.map((r, i) => ({ ...r, scores: scores[i]! }));
}

describe('retrain gate', () => {
  const tmp = suiteTempDir('triage-gate-');
  const own = ownRecords(400);

  async function seedModel(dir: string, shuffle: boolean): Promise<void> {
    const train = own.filter((r) => r.split === 'train');
    const records = [...(shuffle ? shuffled(train) : train), ...own.filter((r) => r.split === 'test')];
    const prepared = await prepareTrainingData({
      dataDir: tmp.path, sources: ['own-traffic'], embedderSpec: 'hashed-ngrams:32', pair: PAIR, groups: GROUPS,
      extraSources: [memorySource('own-traffic', records)], progress: false,
    });
    try {
      await trainAndExport(prepared, { name: 'default', modelsDir: tmp.path, modelDir: dir, version: 5, variant: { ...DEFAULT_VARIANT, groups: GROUPS, sourceWeights: {} }, cvFolds: 0, tune: false });
    } finally {
      await prepared.close();
    }
  }

  it('rejects a candidate trained on shuffled labels against a good active model', async () => {
    const active = join(tmp.path, 'good-active');
    await seedModel(active, false);
    const candidateDir = join(tmp.path, 'shuffled-candidate');
    await trainCandidate({ own, ownPair: PAIR, publicPair: PAIR, dataDir: tmp.path, publicSources: [], line: 'default', version: 6, candidateDir, activeDir: active, transformOwnTrain: shuffled });
    const report = await evaluateAndGate({ candidateDir, activeDir: active, ownTest: own.filter((r) => r.split === 'test'), ownPair: PAIR, resamples: 300 });
    expect(report.own?.records).toBeGreaterThanOrEqual(DEFAULT_GATE_RULE.minTest);
    // About the oracle's APGR here (half the prompts need the strong model: 0.75).
    expect(report.own!.b.value).toBeGreaterThan(0.7);
    expect(report.own!.delta.high).toBeLessThan(0);
    expect(report.verdict.promote).toBe(false);
    expect(report.verdict.reason).toContain('possibly worse than the active model');
    expect(report.candidate.name).toBe('learned:default@6');
  });

  it('promotes a candidate trained on the true labels over an active model that learned shuffled ones', async () => {
    const active = join(tmp.path, 'bad-active');
    await seedModel(active, true);
    const candidateDir = join(tmp.path, 'good-candidate');
    await trainCandidate({ own, ownPair: PAIR, publicPair: PAIR, dataDir: tmp.path, publicSources: [], line: 'default', version: 6, candidateDir, activeDir: active });
    const report = await evaluateAndGate({ candidateDir, activeDir: active, ownTest: own.filter((r) => r.split === 'test'), ownPair: PAIR, resamples: 300 });
    expect(report.own!.delta.low).toBeGreaterThan(0);
    expect(report.verdict.promote).toBe(true);
  });

  it('rejects on too little evidence, and reads the interval, not the point', () => {
    const q = { strong: Float64Array.from([1, 1, 1, 1]), weak: Float64Array.from([0, 1, 0, 1]) };
    const tiny = pairedApgr([0.9, 0.1, 0.8, 0.2], [0.1, 0.9, 0.2, 0.8], q, { resamples: 50 });
    expect(gateVerdict(tiny, DEFAULT_GATE_RULE)).toMatchObject({ promote: false });
    expect(gateVerdict(tiny, DEFAULT_GATE_RULE).reason).toContain('too few held-out own labels (4 < 50)');
    expect(gateVerdict(null, DEFAULT_GATE_RULE).promote).toBe(false);
    // Strong and weak equally good on average: APGR undefined, rejected whatever the resamples say.
    const flat = { strong: Float64Array.from({ length: 60 }, (_, i) => (i % 2 ? 1 : 0)), weak: Float64Array.from({ length: 60 }, (_, i) => (i % 2 ? 0 : 1)) };
    const undefinedDelta = pairedApgr(Array.from({ length: 60 }, (_, i) => i / 60), Array.from({ length: 60 }, (_, i) => 1 - i / 60), flat, { resamples: 50 });
    expect(gateVerdict(undefinedDelta, DEFAULT_GATE_RULE)).toMatchObject({ promote: false, reason: expect.stringContaining('dAPGR undefined') });
    // Same scores for both: dAPGR is exactly 0 on every resample, inside the margin: promoted.
    const n = 60;
    const strong = Float64Array.from({ length: n }, () => 1);
    const weak = Float64Array.from({ length: n }, (_, i) => i % 3 === 0 ? 0 : 1);
    const scores = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0.9 : 0.1) + i * 1e-4);
    const same = pairedApgr(scores, scores, { strong, weak }, { resamples: 50 });
    expect(same.delta).toEqual({ value: 0, low: 0, high: 0 });
    expect(gateVerdict(same, DEFAULT_GATE_RULE).promote).toBe(true);
  });
});
